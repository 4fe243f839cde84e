"""Every value a person can see has its words, in one place."""

from __future__ import annotations

from typing import get_args

from schoolsync.model import ROLES, IssueEntity, SourceKind
from schoolsync.model import run_status as statuses
from schoolsync.model.labels import (
    ENTITY_LABELS,
    ROLE_NOUNS,
    SOURCE_LABELS,
    SYNC_KIND_LABELS,
    TRIGGER_LABELS,
    SyncKind,
    Trigger,
    count_of,
    entity_of_label,
)


def test_every_value_has_a_label() -> None:
    assert set(statuses.LABELS) == set(get_args(statuses.RunStatus))
    assert set(TRIGGER_LABELS) == set(get_args(Trigger))
    assert set(SYNC_KIND_LABELS) == set(get_args(SyncKind))
    assert set(SOURCE_LABELS) == set(get_args(SourceKind))
    assert set(ROLES) == set(ROLE_NOUNS)
    assert set(ENTITY_LABELS) == set(get_args(IssueEntity)) >= set(ROLES)


def test_an_issues_entity_type_is_the_design_words_and_reads_back() -> None:
    # DESIGN.md's Entity Type column: Class, Teacher, Student, Staff, Contact, User.
    for kind, label in [("class", "Class"), ("teacher", "Teacher"), ("student", "Student"),
                        ("staff", "Staff"), ("contact", "Contact"), ("user", "User")]:  # fmt: skip
        assert ENTITY_LABELS[kind] == label  # type: ignore[index]
        assert entity_of_label(label) == kind
    assert {entity_of_label(label) for label in ENTITY_LABELS.values()} == set(ENTITY_LABELS)


def test_counts_read_as_english() -> None:
    assert count_of("student", 1) == "1 pupil"
    assert count_of("contact", 197) == "197 contacts"
    assert count_of("staff", 2) == "2 staff"
