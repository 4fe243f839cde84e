"""The decision step on its own: values in, values out, no database. Named cases for each
safeguard rule and for how the planner names records it creates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from schoolsync.engine.decide import Decision, decide
from schoolsync.model import Snapshot
from schoolsync.model.changes import ORDER, REFERENCES, NewRef
from schoolsync.model.current import Current
from schoolsync.model.holds import Dependents
from schoolsync.school_settings import SchoolSettings
from schoolsync.store.sizes import STORE_SIZES
from tests.builders import (
    contact,
    link,
    pupil,
    school_class,
    snapshot,
    stored_person,
    subject,
    teacher,
)

SIZES = STORE_SIZES  # the column sizes as declared: no database is opened


def stored_subject(row_id: int, source_id: str, name: str = "Mathematics") -> dict[str, Any]:
    return {
        "id": row_id,
        "source_id": source_id,
        "mis_id": None,
        "name": name,
        "code": None,
        "status": "active",
    }


def stored_class(
    row_id: int, source_id: str, name: str = "7A/Ma1", subject_id: int | None = None
) -> dict[str, Any]:
    return {
        "id": row_id,
        "source_id": source_id,
        "mis_id": None,
        "name": name,
        "code": None,
        "subject_id": subject_id,
        "year_group": None,
        "location": None,
        "status": "active",
    }


PUPILS = [pupil(f"P{i}", surname=f"Pupil{i}") for i in range(1, 11)]
TEACHERS = [teacher(f"T{i}", surname=f"Teacher{i}") for i in range(1, 11)]
#: ten pupils (ids 1-10), ten teachers (ids 11-20), Maths (id 5) with its class 7A/Ma1 (id 50)
#: holding pupils 1 and 2
SCHOOL = Current(
    people=(
        *(stored_person(i, p) for i, p in enumerate(PUPILS, start=1)),
        *(stored_person(i, t) for i, t in enumerate(TEACHERS, start=11)),
    ),
    subjects=(stored_subject(5, "S1"),),
    classes=(stored_class(50, "K1", subject_id=5),),
    class_members=frozenset({(50, 1, "student"), (50, 2, "student")}),
)
MATHS = subject("S1")
CLASS = school_class("K1", students=["P1", "P2"], subject_source_id="S1")


def sent(*extra: Any, pupils: int = 10, teachers: int = 10, **kw: Any) -> Snapshot:
    return snapshot(*PUPILS[:pupils], *TEACHERS[:teachers], *extra, **kw)


@dataclass(frozen=True)
class HoldCase:
    snapshot: Snapshot
    #: the rules that hold something, in the safeguard's order
    rules: list[str]
    #: (entity, kind) of every change held back
    held: list[tuple[str, str]]
    settings: SchoolSettings = field(default_factory=SchoolSettings)
    dependents: dict[int, Dependents] = field(default_factory=dict)
    #: a word the first hold's message must use
    says: str = ""


HOLD_CASES = {
    "nothing-major": HoldCase(sent(MATHS, CLASS), [], []),
    "a-class-gone-holds-its-pupils-too": HoldCase(
        sent(MATHS),
        ["class_gone"],
        [("class", "delete"), ("class_membership", "remove"), ("class_membership", "remove")],
        dependents={50: Dependents(5, "homework tasks")},
        says="5 homework tasks",
    ),
    "a-subject-gone-takes-its-classes": HoldCase(
        sent(),
        ["subject_gone"],
        [
            ("subject", "delete"),
            ("class", "delete"),
            ("class_membership", "remove"),
            ("class_membership", "remove"),
        ],
        says="remove 1 class",
    ),
    "a-class-emptied": HoldCase(
        sent(MATHS, school_class("K1", subject_source_id="S1")),
        ["class_emptied"],
        [("class_membership", "remove"), ("class_membership", "remove")],
        says="had 2 pupils and now has none",
    ),
    "mass-pupil-leavers": HoldCase(
        sent(MATHS, CLASS, pupils=5),
        ["mass_pupil_leavers"],
        [("student", "leave")] * 5,
        says="5 pupils would leave (50% of 10)",
    ),
    "leavers-under-the-minimum-go-ahead": HoldCase(sent(MATHS, CLASS, pupils=8), [], []),
    "mass-staff-leavers": HoldCase(
        sent(MATHS, CLASS, teachers=6),
        ["mass_staff_leavers"],
        [("teacher", "leave")] * 4,
        says="4 staff would leave",
    ),
    "mass-email-changes": HoldCase(
        snapshot(
            *PUPILS,
            MATHS,
            CLASS,
            *(
                teacher(t.source_id, surname=t.surname, email=f"new-{t.source_id}@school.org.uk")
                for t in TEACHERS[:4]
            ),
            *TEACHERS[4:],
        ),
        ["mass_email_changes"],
        [("teacher", "update")] * 4,
        says="4 email addresses would change",
    ),
    "strict-mode-holds-the-whole-run": HoldCase(
        sent(pupil("P99", surname="Newcomer"), MATHS),
        ["class_gone"],
        [
            ("student", "create"),
            ("class", "delete"),
            ("class_membership", "remove"),
            ("class_membership", "remove"),
        ],
        settings=SchoolSettings(safeguard_mode="strict"),
    ),
}


@pytest.mark.parametrize("case", HOLD_CASES.values(), ids=HOLD_CASES.keys())
def test_the_safeguards_hold_what_could_lose_work(case: HoldCase) -> None:
    decision = decide(case.snapshot, SCHOOL, case.settings, case.dependents, sizes=SIZES)
    assert [h.rule for h in decision.guarded.holds] == case.rules
    held = sorted((c.entity, c.kind) for c in decision.guarded.held_back.changes)
    assert held == sorted(case.held)
    assert decision.guarded.needs_approval == bool(case.rules)
    # Nothing is both applied and held, and nothing is lost between them.
    applied = list(decision.guarded.apply_now.changes)
    assert len(applied) + len(decision.guarded.held_back) == len(decision.plan)
    assert not {id(c) for c in applied} & {id(c) for c in decision.guarded.held_back.changes}
    if case.says:
        assert case.says in decision.guarded.holds[0].message


@dataclass(frozen=True)
class PlanCase:
    snapshot: Snapshot
    #: (entity, kind, the value that names another record) for the changes that name one
    expected: list[tuple[str, str, str, Any]]


PLAN_CASES = {
    "a-new-class-of-a-new-subject-names-it": PlanCase(
        sent(MATHS, CLASS, subject("S2", "History"), school_class("K2", subject_source_id="S2")),
        [("class", "create", "subject_id", NewRef("subject", "S2"))],
    ),
    "a-new-class-of-a-stored-subject-names-its-id": PlanCase(
        sent(MATHS, CLASS, school_class("K2", "7B/Ma2", subject_source_id="S1")),
        [("class", "create", "subject_id", 5)],
    ),
    "a-new-pupil-joins-a-stored-class": PlanCase(
        sent(
            pupil("P99", surname="Newcomer"),
            MATHS,
            school_class("K1", students=["P1", "P2", "P99"], subject_source_id="S1"),
        ),
        [
            ("class_membership", "add", "parent_id", 50),
            ("class_membership", "add", "person_id", NewRef("pupil", "P99")),
        ],
    ),
    "a-new-contact-of-a-new-pupil": PlanCase(
        sent(MATHS, CLASS, pupil("P99", surname="Newcomer"), contact("C9"), link("P99", "C9")),
        [
            ("contact_link", "add", "pupil_id", NewRef("pupil", "P99")),
            ("contact_link", "add", "contact_id", NewRef("contact", "C9")),
        ],
    ),
}


@pytest.mark.parametrize("case", PLAN_CASES.values(), ids=PLAN_CASES.keys())
def test_records_created_in_the_same_plan_are_named_by_reference(case: PlanCase) -> None:
    decision = decide(case.snapshot, SCHOOL, SchoolSettings(), {}, sizes=SIZES)
    named = [
        (c.entity, c.kind, name, c.after[name])
        for c in decision.plan.changes
        for name in ("subject_id", "parent_id", "person_id", "pupil_id", "contact_id")
        if name in c.after and c.kind in ("create", "add")
    ]
    assert named == case.expected
    created = {c.new_ref() for c in decision.plan.changes if c.kind == "create"}
    references = {v for c in decision.plan.changes for v in c.after.values()}
    assert {r for r in references if isinstance(r, NewRef)} <= created
    # The store resolves references only where the model declares them.
    assert all(
        name in REFERENCES[c.stage]
        for c in decision.plan.changes
        for name, value in c.after.items()
        if isinstance(value, NewRef)
    )


def test_a_plan_lists_its_changes_in_dependency_order() -> None:
    mis = sent(
        pupil("P99", surname="Newcomer"),
        contact("C9"),
        link("P99", "C9"),
        subject("S2", "History"),
        school_class("K2", "8H/Hi1", students=["P99"], subject_source_id="S2"),
        pupils=9,
    )
    stages = [
        ORDER.index(c.stage)
        for c in decide(mis, SCHOOL, SchoolSettings(), {}, sizes=SIZES).plan.changes
    ]
    assert stages == sorted(stages)
    assert len(set(stages)) >= 4  # subjects, people, classes, memberships, links all planned


def test_a_decision_is_values_only() -> None:
    """Deciding twice on the same values gives the same decision: no clock, no store."""
    first = decide(sent(MATHS), SCHOOL, SchoolSettings(), {}, sizes=SIZES)
    second = decide(sent(MATHS), SCHOOL, SchoolSettings(), {}, sizes=SIZES)
    assert isinstance(first, Decision)
    assert first.plan == second.plan and first.guarded == second.guarded
