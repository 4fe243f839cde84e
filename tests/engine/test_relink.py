"""Re-linking after an MIS switch, decided without a database: every id is new (Wonde ids and
MIS ids, which the new MIS numbers from its own start), yet nobody gets a second account and no
class is archived by mistake; what cannot be re-linked with confidence is held, with the
evidence. Named cases, each a whole decision."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import pytest

from schoolsync.engine.decide import decide
from schoolsync.engine.relink import looks_like_mis_switch
from schoolsync.model import Person, Snapshot
from schoolsync.model.current import Current
from schoolsync.school_settings import SchoolSettings
from schoolsync.store.sizes import STORE_SIZES
from tests.builders import pupil, school_class, snapshot, stored_person, subject, teacher
from tests.engine.test_decide import stored_class, stored_subject

BORN = dt.date(2014, 3, 9)
#: twelve pupils with UPIs and UPNs (ids 1-12), four teachers (ids 21-24)
OLD_PUPILS = [
    pupil(f"P{i}", forename=f"Name{i}", surname=f"Family{i}", upn=f"A8230010010{i:02d}",
          mis_id=str(1000 + i), date_of_birth=BORN + dt.timedelta(days=i))
    for i in range(1, 13)
]  # fmt: skip
OLD_TEACHERS = [teacher(f"T{i}", surname=f"Teacher{i}", mis_id=str(2000 + i)) for i in range(1, 5)]
STORED = Current(
    people=(
        *(stored_person(i, p) for i, p in enumerate(OLD_PUPILS, start=1)),
        *(stored_person(i, t) for i, t in enumerate(OLD_TEACHERS, start=21)),
    ),
    subjects=(stored_subject(5, "S1"),),
    classes=(stored_class(50, "K1", "7A/Ma1", 5), stored_class(51, "K2", "7B/Ma1", 5)),
    class_members=frozenset(
        {(50, i, "student") for i in range(1, 7)} | {(51, i, "student") for i in range(7, 13)}
    ),
)


def switched(person: Person, index: int) -> Person:
    """The same person in the new MIS: new Wonde id, and the MIS id of somebody else."""
    return replace(person, source_id=f"N{person.source_id}", mis_id=str(1000 + 13 - index))


NEW_PUPILS = [switched(p, i) for i, p in enumerate(OLD_PUPILS, start=1)]
NEW_TEACHERS = [switched(t, i) for i, t in enumerate(OLD_TEACHERS, start=1)]


def new_school(*, pupils: list[Person] = NEW_PUPILS, names: tuple[str, str] = ("7A/Ma1", "7B/Ma1"),
               extra: tuple[Any, ...] = ()) -> Snapshot:  # fmt: skip
    ids = [p.source_id for p in pupils]
    return snapshot(
        *pupils, *NEW_TEACHERS, subject("NS1", mis_id="1"),
        school_class("NK1", names[0], ids[:6], subject_source_id="NS1", mis_id="2"),
        school_class("NK2", names[1], ids[6:12], subject_source_id="NS1", mis_id="1"),
        *extra,
    )  # fmt: skip


@dataclass(frozen=True)
class Case:
    sent: Snapshot
    #: (entity, kind) -> how many, for the kinds that matter here
    creates: dict[str, int]
    leaves: int
    class_deletes: int
    held_rules: list[str]
    says: str = ""


def without(person: Person, **changes: Any) -> Person:
    return replace(person, **changes)


CASES = {
    "everyone-relinks-by-upi-though-mis-ids-now-belong-to-others": Case(
        new_school(), {}, 0, 0, []
    ),
    "upn-when-the-upi-changed-too": Case(
        new_school(pupils=[without(p, upi=None) for p in NEW_PUPILS]), {}, 0, 0, []
    ),
    "name-and-birthday-when-upi-and-upn-are-gone": Case(
        new_school(pupils=[without(NEW_PUPILS[0], upi=None, upn=None), *NEW_PUPILS[1:]]),
        {}, 0, 0, [],
    ),
    "a-different-birthday-is-a-different-pupil": Case(
        new_school(pupils=[without(NEW_PUPILS[0], upi=None, upn=None,
                                   date_of_birth=dt.date(2013, 1, 1)), *NEW_PUPILS[1:]]),
        {"student": 1}, 1, 0, [],
    ),
    "a-renamed-class-with-the-same-pupils-is-held-with-the-evidence": Case(
        new_school(names=("7A/Ma1 (timetable 2)", "7B/Ma1")),
        {"class": 1}, 0, 1, ["mis_switch"],
        says="6 of its 6 pupils are those of class '7A/Ma1'",
    ),
    "a-class-new-in-the-new-mis-is-simply-new": Case(
        new_school(extra=(school_class("NK9", "Chess club", [], mis_id="3"),)),
        {"class": 1}, 0, 0, [],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_mis_switch(name: str) -> None:
    case = CASES[name]
    decision = decide(case.sent, STORED, SchoolSettings(), {}, sizes=STORE_SIZES,
                      mis_switch=True)  # fmt: skip
    kinds = Counter((c.entity, c.kind) for c in decision.plan.changes)
    counted = ("student", "teacher", "class", "subject")
    creates = {entity: n for (entity, kind), n in kinds.items()
               if kind == "create" and entity in counted}  # fmt: skip
    assert creates == case.creates
    assert kinds[("student", "leave")] + kinds[("teacher", "leave")] == case.leaves
    assert kinds[("class", "delete")] == case.class_deletes
    assert kinds[("subject", "delete")] == 0
    assert [h.rule for h in decision.guarded.holds] == case.held_rules
    if case.says:
        [hold] = decision.guarded.holds
        assert case.says in hold.message
        # The new class and the archiving of the old one wait together; nothing of them applies.
        held = Counter((c.entity, c.kind) for c in hold.changes)
        assert held[("class", "create")] == 1 and held[("class", "delete")] == 1
        assert not any(c.entity == "class" for c in decision.guarded.apply_now.changes
                       if c.kind in ("create", "delete"))  # fmt: skip
    # Re-linked people carry their new ids from now on.
    updates = {c.record_id: c.after for c in decision.plan.changes if c.entity == "student"
               and c.kind == "update"}  # fmt: skip
    assert updates[2]["source_id"] == "NP2"


def test_a_switch_is_seen_when_most_ids_change_at_once() -> None:
    assert looks_like_mis_switch(new_school(), STORED)
    decision = decide(new_school(), STORED, SchoolSettings(), {}, sizes=STORE_SIZES)
    assert decision.mis_switch
    assert not [c for c in decision.plan.changes if c.kind in ("create", "leave", "delete")]


def test_an_export_gone_wrong_is_not_a_switch() -> None:
    """Most people missing is a mass leaving (held by its own rule), not new ids."""
    partial = snapshot(*OLD_PUPILS[:3], *OLD_TEACHERS)
    assert not looks_like_mis_switch(partial, STORED)
    same = snapshot(*OLD_PUPILS, *OLD_TEACHERS)
    assert not looks_like_mis_switch(same, STORED)


def test_twins_with_one_name_and_birthday_are_not_guessed() -> None:
    twin_a = without(OLD_PUPILS[0], source_id="P1")
    twin_b = without(OLD_PUPILS[0], source_id="P99", upi="upi-P99", upn=None)
    stored = replace(STORED, people=(*STORED.people, stored_person(99, twin_b)))
    sent = new_school(pupils=[without(NEW_PUPILS[0], upi=None, upn=None),
                              without(twin_a, source_id="NP99", upi=None, upn=None,
                                      mis_id="7"), *NEW_PUPILS[1:]])  # fmt: skip
    decision = decide(sent, stored, SchoolSettings(), {}, sizes=STORE_SIZES, mis_switch=True)
    created = [c.key for c in decision.plan.changes if c.entity == "student" and c.kind == "create"]
    assert sorted(created) == ["NP1", "NP99"]
