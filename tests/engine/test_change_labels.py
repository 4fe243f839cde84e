"""Changes read by name and MIS id, never by the store's row ids. Pure."""

from __future__ import annotations

from schoolsync.engine.change_labels import Directory, Label, describe, with_snapshot
from tests.builders import pupil, school_class, snapshot

DIRECTORY = Directory(
    people={22994: Label("Dan Smith", "5678"), 4935: Label("Ann Smith", "c-12")},
    structures={"class": {16: Label("7A/Ma1", "m1")}, "subject": {3: Label("Mathematics", "s1")}},
)


def test_a_membership_names_the_pupil_and_the_class() -> None:
    removal = {
        "entity": "class_membership",
        "kind": "remove",
        "key": "16/22994",
        "name": "",
        "record_id": None,
        "before": {"parent_id": 16, "person_id": 22994, "role": "student"},
        "after": {},
    }
    shown = describe(removal, DIRECTORY)
    assert shown.name == "Dan Smith (MIS 5678) in 7A/Ma1 (MIS m1)"
    assert shown.mis_id == "5678"
    assert shown.before == {
        "class": "7A/Ma1 (MIS m1)",
        "person": "Dan Smith (MIS 5678)",
        "role": "student",
    }


def test_a_contact_link_names_both_people() -> None:
    link = {
        "entity": "contact_link",
        "kind": "remove",
        "key": "22994/4935",
        "name": "",
        "before": {"pupil_id": 22994, "contact_id": 4935, "relationship": "Mother"},
    }
    shown = describe(link, DIRECTORY)
    assert shown.name == "Ann Smith (MIS c-12) (contact of Dan Smith (MIS 5678))"
    assert "4935" not in str(shown.as_json()) and "22994" not in str(shown.as_json())


def test_records_a_plan_creates_are_named_from_the_snapshot() -> None:
    mis = snapshot(pupil("P9", surname="Joiner"), school_class("K9", "8B/Hi2", mis_id="m9"))
    directory = with_snapshot(DIRECTORY, mis)
    joining = {
        "entity": "class_membership",
        "kind": "add",
        "key": "K9/P9",
        "name": "",
        "after": {
            "parent_id": None,
            "parent_key": "K9",
            "person_id": None,
            "person_key": ["pupil", "P9"],
            "role": "student",
        },
    }
    shown = describe(joining, directory)
    assert shown.name == "Amara Joiner (MIS mis-P9) in 8B/Hi2 (MIS m9)"
    assert set(shown.after) == {"class", "person", "role"}
    moved = {
        "entity": "class",
        "kind": "update",
        "key": "K1",
        "name": "7A/Ma1",
        "record_id": 16,
        "before": {"subject_id": 3},
        "after": {"subject_id": None},
    }
    assert describe(moved, directory).before == {"subject": "Mathematics (MIS s1)"}
    assert describe(moved, directory).mis_id == "m1"
