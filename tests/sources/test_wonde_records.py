"""Reading real Wonde responses written by others (../shared/cases/wonde)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import orjson
import pytest

from schoolsync.errors import SourceDataError
from schoolsync.sources.wonde.records import RawSchool, build_snapshot
from tests.conftest import SHARED

CASES = SHARED / "cases" / "wonde"


def load(relative: str) -> Any:
    path = CASES / relative
    if not path.exists():
        # A skip would let CI pass without ever reading a real Wonde response.
        pytest.fail(f"{path} is not here: shared/ cases must sit beside the project checkout")
    return orjson.loads(Path(path).read_bytes())


def raw(**lists: list[Any]) -> RawSchool:
    fields = {name: [] for name in ("students", "employees", "subjects", "classes", "groups")}
    fields.update(lists)
    return RawSchool(school={"name": "Wonde Testing School"}, complete=True, **fields)


def test_students_with_contacts_and_relationships() -> None:
    page = load("ep-richard/spec/webmocks/getStudentsFromWonde.json")
    snap = build_snapshot(raw(students=page["data"]))
    students = [p for p in snap.people if p.role == "student"]
    contacts = {p.source_id: p for p in snap.people if p.role == "contact"}
    assert len(students) == len(page["data"])
    manuel = next(p for p in students if p.source_id == "A1039521228")
    assert (manuel.forename, manuel.surname, manuel.gender) == ("Manuel", "Shields", "male")
    assert manuel.date_of_birth == dt.date(2002, 9, 29)  # a DateTime object in Europe/London
    mother = contacts["A815487167"]
    assert mother.email == "athena.jacobi@thompson.com"
    relation = next(
        link
        for link in snap.contact_links
        if link.pupil_source_id == "A1039521228" and link.contact_source_id == "A815487167"
    )
    assert (relation.relationship, relation.parental_responsibility) == ("Mother", False)


def test_one_contact_under_two_pupils_is_one_person_with_two_links() -> None:
    page = load("ep-richard/spec/webmocks/getStudentsFromWonde.json")
    snap = build_snapshot(raw(students=page["data"]))
    contact_ids = [p.source_id for p in snap.people if p.role == "contact"]
    assert len(contact_ids) == len(set(contact_ids))
    shared = [link for link in snap.contact_links if link.contact_source_id == "A251103586"]
    assert len(shared) == 2
    assert len({link.relationship for link in shared}) == 2


def test_class_with_nested_students_and_string_subject() -> None:
    body = load("mtigdemir-wonde-integration/tests/responses/classes.json")
    snap = build_snapshot(raw(classes=[body["data"]]))
    [school_class] = snap.classes
    assert school_class.name == "10x/Bi1"
    assert school_class.subject_source_id == "A1811287457"
    assert len(school_class.student_ids) == 21
    assert school_class.code is None


def test_record_without_an_id_fails_the_read_naming_it() -> None:
    with pytest.raises(SourceDataError, match=r"Record 2 of students .*no id \(MIS id 77\)"):
        build_snapshot(
            raw(
                students=[
                    {"id": "A1", "forename": "Ada", "surname": "Lovelace"},
                    {"mis_id": "77", "forename": "No", "surname": "Id"},
                ]
            )
        )


def test_unknown_gender_is_a_warning_and_the_pupil_is_kept() -> None:
    snap = build_snapshot(
        raw(students=[{"id": "A1", "forename": "Ada", "surname": "Lovelace", "gender": "ROBOT"}])
    )
    [issue] = snap.read_issues
    assert (issue.severity, issue.entity_name) == ("warning", "Ada Lovelace")
    assert "ROBOT" in issue.message
    assert snap.people[0].gender is None


def test_unknown_group_type_leaves_the_group_out_with_an_issue() -> None:
    snap = build_snapshot(
        raw(
            groups=[
                {"id": "G1", "name": "7AB", "type": "REGISTRATION"},
                {"id": "G2", "name": "Odd", "type": "WIBBLE"},
            ]
        )
    )
    assert [g.source_id for g in snap.groups] == ["G1"]
    [issue] = snap.read_issues
    assert (issue.entity_type, issue.severity) == ("Group", "error")


def test_person_without_a_name_is_an_unexpected_error_issue() -> None:
    snap = build_snapshot(
        raw(students=[{"id": "A1", "mis_id": "5", "forename": None, "surname": ""}])
    )
    assert snap.people == ()
    [issue] = snap.read_issues
    assert issue.message.startswith("An unexpected error has occurred")
    assert issue.mis_id == "5"


@pytest.mark.parametrize(
    "sent",
    ["31/02/2014", "2014-02-31", {"date": "not a date", "timezone": "Europe/London"}, 20140309],
)
def test_unreadable_date_of_birth_is_a_warning_and_the_stored_date_is_kept(sent: Any) -> None:
    from schoolsync.model.current import Current
    from tests.builders import plan_for, pupil, stored_person

    record = {"id": "A1", "mis_id": "5", "forename": "Ada", "surname": "Lovelace"}
    snap = build_snapshot(raw(students=[{**record, "date_of_birth": sent}]))
    [issue] = snap.read_issues
    assert (issue.severity, issue.entity_name, issue.mis_id) == ("warning", "Ada Lovelace", "5")
    assert issue.message.startswith("Date of birth '") and "is not a date" in issue.message
    stored = stored_person(1, pupil("A1", "Ada", "Lovelace", mis_id="5", upi=None))
    _, plan = plan_for(snap, Current(people=(stored,)))
    assert not any("date_of_birth" in change.after for change in plan.changes)


def test_a_missing_date_of_birth_is_no_issue() -> None:
    snap = build_snapshot(
        raw(students=[{"id": "A1", "forename": "Ada", "surname": "L", "date_of_birth": None}])
    )
    assert snap.read_issues == () and snap.people[0].unreadable == frozenset()
