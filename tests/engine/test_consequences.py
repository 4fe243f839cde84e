"""What follows from a held change, without a database: named cases, each a plan, the changes
held, and the keys of the changes that must wait with them."""

from __future__ import annotations

from typing import Any

import pytest

from schoolsync.engine.consequences import consequences
from schoolsync.engine.plan import Change
from schoolsync.model.current import Current

STORED = Current(
    classes=({"id": 10, "subject_id": 1}, {"id": 11, "subject_id": 2}),
    contact_links={(100, 300): (), (101, 300): (), (102, 301): ()},
)


def leave(entity: str, record_id: int) -> Change:
    return Change(entity, "leave", f"{entity}{record_id}", "", record_id, {"status": "left"})


def delete(entity: str, record_id: int) -> Change:
    return Change(entity, "delete", f"{entity}{record_id}", "", record_id, {"status": "deleted"})


def remove(entity: str, key: str, **before: Any) -> Change:
    return Change(entity, "remove", key, "", None, {}, before)


def email(entity: str, record_id: int, old: str | None, new: str | None) -> Change:
    return Change(entity, "update", f"e{record_id}", "", record_id, {"email": new}, {"email": old})


def new_user(key: str, address: str) -> Change:
    return Change("teacher", "create", key, "", None, {"email": address, "username": address})


PLAN = (
    leave("student", 100),
    leave("student", 102),
    leave("contact", 300),
    leave("contact", 301),
    remove("class_membership", "m100", parent_id=10, person_id=100),
    remove("group_membership", "g100", parent_id=20, person_id=100),
    remove("class_membership", "m101", parent_id=10, person_id=101),
    remove("contact_link", "l100", pupil_id=100, contact_id=300),
    remove("contact_link", "l101", pupil_id=101, contact_id=300),
    delete("subject", 1),
    delete("class", 10),
    delete("group", 20),
    remove("group_membership", "g105", parent_id=20, person_id=105),
    email("teacher", 200, "old@school.org.uk", "new@school.org.uk"),
    new_user("T9", "OLD@school.org.uk"),
)

CASES = {
    "a held pupil keeps places, links and the contacts who would leave with them": (
        ["student100"],
        ["contact300", "m100", "g100", "l100", "l101"],
    ),
    "a contact held with one pupil is not held by another pupil's leave": (
        ["student102"],
        ["contact301"],
    ),
    "a held subject keeps its classes and their members": (
        ["subject1"],
        ["class10", "m100", "m101"],
    ),
    "a held group keeps its members": (["group20"], ["g100", "g105"]),
    "a held email change keeps the old address from being taken": (["e200"], ["T9"]),
    "a held membership removal holds nothing else": (["m101"], []),
}


@pytest.mark.parametrize(("held", "expected"), CASES.values(), ids=CASES.keys())
def test_consequences(held: list[str], expected: list[str]) -> None:
    chosen = [change for change in PLAN if change.key in held]
    found = consequences(PLAN, chosen, STORED)
    assert sorted(change.key for change in found) == sorted(expected)
