"""Class and group members the source names but never sent: one warning on the class, the
same for every source, and the rest of the class kept."""

from __future__ import annotations

from typing import Any

from schoolsync.model.changes import NewRef
from schoolsync.model.current import Current
from schoolsync.sources.wonde.records import RawSchool, build_snapshot
from tests.builders import group, plan_for, pupil, school_class, snapshot, stored_person, teacher


def wonde(**lists: list[Any]) -> Any:
    fields: dict[str, list[Any]] = {
        name: [] for name in ("students", "employees", "subjects", "classes", "groups")
    }
    fields.update(lists)
    return build_snapshot(RawSchool(school={"name": "Wonde School"}, complete=True, **fields))


def warnings(validated: Any) -> list[tuple[str, str, str]]:
    return [
        (i.entity_type, i.source_id, i.message) for i in validated.issues if i.severity == "warning"
    ]


def test_a_wonde_class_member_who_was_not_fetched_is_a_warning_on_the_class() -> None:
    snap = wonde(
        students=[{"id": "A1", "forename": "Ada", "surname": "Lovelace"}],
        classes=[
            {
                "id": "K1",
                "name": "7A/Ma1",
                "mis_id": "m1",
                "students": {"data": [{"id": "A1"}, {"id": "GHOST"}]},
            }
        ],
    )
    validated, plan = plan_for(snap)
    assert warnings(validated) == [
        (
            "Class",
            "K1",
            "1 member of this class (GHOST) is not among the people the MIS sent; "
            "it was left out of the class",
        )
    ]
    added = [c.after["person_id"] for c in plan.changes if c.entity == "class_membership"]
    assert added == [NewRef("pupil", "A1")]  # the rest of the class is kept


def test_many_unknown_members_of_a_group_are_counted_not_all_quoted() -> None:
    ghosts = [f"G{n}" for n in range(8)]
    validated, _ = plan_for(snapshot(group("R1", "7AB", students=ghosts)))
    [(entity, _, message)] = warnings(validated)
    assert entity == "Group"
    assert message.startswith("8 members of this group (G0, G1, G2, G3, G4 and 3 more) are not")


def test_members_stored_earlier_or_left_out_with_their_own_issue_are_not_unknown() -> None:
    # An incremental fetch sends only who changed: the rest of the class is stored.
    stored = Current(people=(stored_person(1, pupil("P1")),))
    items = [
        pupil("P2"),
        teacher("T1", email=None),  # left out: teachers need an email
        school_class("K1", students=["P1", "P2"], teachers=["T1"]),
    ]
    validated, _ = plan_for(snapshot(*items, complete=False), stored)
    assert warnings(validated) == []


def test_staff_the_fetch_did_not_cover_are_not_unknown() -> None:
    snap = snapshot(
        pupil("P1"),
        school_class("K1", students=["P1"], teachers=["T1"]),
        covers=frozenset({"pupil", "class", "subject", "group", "contact", "contact_link"}),
    )
    validated, _ = plan_for(snap)
    assert warnings(validated) == []
