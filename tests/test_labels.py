"""Every value a person can see has its words, in one place."""

from __future__ import annotations

from typing import get_args

from schoolsync.model import ROLES, SourceKind
from schoolsync.model import run_status as statuses
from schoolsync.model.labels import (
    ROLE_LABELS,
    ROLE_NOUNS,
    SOURCE_LABELS,
    SYNC_KIND_LABELS,
    TRIGGER_LABELS,
    SyncKind,
    Trigger,
    count_of,
)


def test_every_value_has_a_label() -> None:
    assert set(statuses.LABELS) == set(get_args(statuses.RunStatus))
    assert set(TRIGGER_LABELS) == set(get_args(Trigger))
    assert set(SYNC_KIND_LABELS) == set(get_args(SyncKind))
    assert set(SOURCE_LABELS) == set(get_args(SourceKind))
    assert set(ROLE_LABELS) == set(ROLES) == set(ROLE_NOUNS)


def test_counts_read_as_english() -> None:
    assert count_of("student", 1) == "1 pupil"
    assert count_of("contact", 197) == "197 contacts"
    assert count_of("staff", 2) == "2 staff"
