"""What a file import changes in people the store already has (from Wonde, or an earlier
file): only what the file speaks for. Pure: validate and plan against stored rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from schoolsync.model import Attendance, SenNeed, Snapshot
from schoolsync.model.current import Current
from schoolsync.school_settings import SchoolSettings
from schoolsync.sources.ctf.reader import read_ctf
from schoolsync.sources.oneroster.reader import read_oneroster
from schoolsync.sources.staffcsv import parse_staff_csv
from tests.builders import plan_for, pupil, staff, stored_person, teacher
from tests.files.cases import CTF, ONEROSTER, person


def _updates(
    snapshot: Snapshot, stored: list[dict[str, Any]], settings: SchoolSettings | None = None
) -> dict[str, dict[str, Any]]:
    """Field changes per updated person, by the id the file gave them."""
    _, plan = plan_for(snapshot, Current(people=tuple(stored)), settings)
    return {c.key: dict(c.after) for c in plan.changes if c.kind == "update"}


def test_a_partial_ctf_changes_names_not_sen_fsm_or_ids() -> None:
    from_wonde = pupil(
        "A1001",
        "Zoe",
        "O'Neill",
        upi="upi-zoe",
        mis_id="4411",
        upn="Z999400120107",
        email="zoe.oneill@pupils.example",
        year_group="6",
        sen_status="K",
        sen_needs=(SenNeed("SPLD", 1),),
        free_school_meals=True,
        attendance=Attendance(300, 290, 8, 2, 0),
        date_of_birth=dt.date(2014, 10, 3),
        gender="female",
    )
    snapshot = read_ctf(CTF / "ctf24-partial-mtc.xml")
    assert snapshot.person_fields is not None
    assert "sen_status" not in snapshot.person_fields
    changes = _updates(snapshot, [stored_person(1, from_wonde)])
    # Matched by UPN; MTC upper-cases names, and that is all it says.
    assert changes == {
        "Z999400120107": {
            "forename": "ZOË",
            "surname": "O'NEILL",
            "legal_forename": "ZOË",
            "legal_surname": "O'NEILL",
        }
    }


def test_a_full_ctf_speaks_for_the_sections_it_carries() -> None:
    snapshot = read_ctf(CTF / "ctf25-full.xml")
    assert snapshot.person_fields is not None
    sections = {"year_group", "sen_status", "sen_needs", "free_school_meals", "attendance"}
    assert sections | {"english_additional_language", "middle_names", "email"} <= (
        snapshot.person_fields
    )
    assert not {"source_id", "mis_id", "upi", "pupil_premium"} & snapshot.person_fields


def test_oneroster_keeps_what_only_other_sources_know() -> None:
    from_wonde = pupil(
        "A2001", "Ciaran", "Fitzgerald", upn="T999400117201", sen_status="E", mis_id="ADM2001"
    )
    snapshot = read_oneroster(ONEROSTER / "v1p2-bulk")
    changes = _updates(snapshot, [stored_person(1, from_wonde)])["u-1001"]
    # Matched by MIS id (identifier); the UPN and SEN status from Wonde stay.
    assert "upn" not in changes and "sen_status" not in changes
    assert changes["source_id"] == "u-1001" and changes["forename"] == "Ciarán"


def test_a_staff_list_without_an_email_column_leaves_emails_alone() -> None:
    stored = stored_person(1, staff("S1", "Amy", "Ng", email="amy.ng@school.example", mis_id="S1"))
    snapshot = parse_staff_csv(b"Staff ID,Forename,Surname\nS1,Amy,Ng-Li\n")
    # (With the default settings staff need an email, and validation looks at the file's.)
    no_email_needed = SchoolSettings(require_email=frozenset())
    assert _updates(snapshot, [stored], no_email_needed) == {"S1": {"surname": "Ng-Li"}}


def test_a_delta_speaks_for_birth_dates_only_when_demographics_are_bulk() -> None:
    bulk = read_oneroster(ONEROSTER / "v1p2-bulk")
    delta = read_oneroster(ONEROSTER / "v1p2-delta")
    assert bulk.person_fields is not None and delta.person_fields is not None
    assert "date_of_birth" in bulk.person_fields
    assert "date_of_birth" not in delta.person_fields
    # A new pupil still gets the birth date the delta sent.
    assert person(delta, "u-1004").date_of_birth == dt.date(2010, 9, 30)


def test_a_staff_list_without_a_role_column_keeps_teachers_teachers() -> None:
    stored = stored_person(1, teacher("S1", "Amy", "Ng", mis_id="S1"))
    snapshot = parse_staff_csv(b"Staff ID,Forename,Surname,Email\nS1,Amy,Ng,s1@school.org.uk\n")
    assert person(snapshot, "S1").role == "staff"  # what a new person would get
    assert _updates(snapshot, [stored]) == {}
