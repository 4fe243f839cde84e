"""Reading a school's own staff list (tests/cases/staffcsv/, saved by Excel)."""

from __future__ import annotations

import datetime as dt

import pytest

from schoolsync.errors import FileFormatError
from schoolsync.sources.staffcsv import parse_staff_csv, read_staff_csv
from tests.files.cases import STAFFCSV, issues_about, person


def test_excel_csv_with_bom_and_crlf() -> None:
    snapshot = read_staff_csv(STAFFCSV / "staff-excel.csv")
    assert (snapshot.source, snapshot.complete, snapshot.covers) == (
        "staff_csv",
        True,
        frozenset({"employee"}),
    )
    sian = person(snapshot, "STF0042")
    assert (sian.role, sian.title, sian.forename, sian.surname) == (
        "teacher",
        "Mrs",
        "Siân",
        "Evans-Hughes",
    )
    assert (sian.mis_id, sian.email, sian.date_of_birth) == (
        "STF0042",
        "s.evans-hughes@larkfield.example",
        dt.date(1986, 7, 19),
    )
    assert person(snapshot, "STF0043").date_of_birth == dt.date(1979, 2, 1)
    assert person(snapshot, "STF0050").role == "staff"  # blank Role
    lucja = person(snapshot, "STF0051")
    assert (lucja.forename, lucja.surname, lucja.date_of_birth) == (
        "Łucja",
        "Wójcik",
        dt.date(1992, 4, 3),
    )
    assert person(snapshot, "STF0060").surname == "O'Brien"
    assert {p.source_id for p in snapshot.people} == {
        "STF0042",
        "STF0043",
        "STF0050",
        "STF0051",
        "STF0001",
        "STF0060",
    }


def test_problems_name_their_lines() -> None:
    snapshot = read_staff_csv(STAFFCSV / "staff-excel.csv")
    (headteacher,) = issues_about(snapshot, "line 6:")
    assert headteacher.severity == "warning"
    assert "Role 'Headteacher' is not teacher or staff; staff was used" in headteacher.message
    assert person(snapshot, "STF0001").role == "staff"
    (birthday,) = issues_about(snapshot, "line 7:")
    assert (birthday.severity, birthday.entity_name) == ("warning", "Seán O'Brien")
    (no_forename,) = issues_about(snapshot, "line 8:")
    assert no_forename.message == "staff-excel.csv, line 8: Forename is empty; the row was not used"
    # An error carrying the Staff ID keeps the stored person as they were.
    assert (no_forename.severity, no_forename.source_id) == ("error", "STF0070")
    (no_id,) = issues_about(snapshot, "line 9:")
    assert (no_id.severity, no_id.entity_name) == ("error", "Joan Smith")
    assert len(snapshot.read_issues) == 4  # the blank row at line 10 is skipped quietly


def test_headers_ignore_case_order_and_spacing() -> None:
    data = b"surname,FORENAME,staff_id,  e-mail ,role\nNg,Li,S1,x@y,TEACHER\n"
    snapshot = parse_staff_csv(data)
    (li,) = snapshot.people
    assert (li.source_id, li.forename, li.surname, li.role, li.email) == (
        "S1",
        "Li",
        "Ng",
        "teacher",
        None,  # "e-mail" is not a column this list defines
    )


def test_windows_1252_and_semicolons_from_other_excel_settings() -> None:
    data = "Staff ID;Forename;Surname\r\nS1;Siân;Ó Briain\r\n".encode("cp1252")
    (person_,) = parse_staff_csv(data).people
    assert (person_.forename, person_.surname) == ("Siân", "Ó Briain")


def test_the_same_staff_id_twice_uses_neither() -> None:
    data = b"Staff ID,Forename,Surname\nS1,Amy,Ng\nS1,Bea,Ng\nS2,Cy,Li\n"
    snapshot = parse_staff_csv(data)
    assert [p.source_id for p in snapshot.people] == ["S2"]
    (issue,) = snapshot.read_issues
    assert issue.message == (
        "staff.csv, lines 2, 3: Staff ID S1 is on more than one row; none of them was used"
    )


def test_a_shifted_row_is_not_used_but_excel_trailing_commas_are_fine() -> None:
    data = b"Staff ID,Forename,Surname,Email\nS1,Amy,Ng,,,\nS2,Bo,Smith, Jr,b@x\n"
    snapshot = parse_staff_csv(data)
    assert [p.source_id for p in snapshot.people] == ["S1"]
    (issue,) = snapshot.read_issues
    assert "line 3: the row has more values than the header" in issue.message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Staff ID,Forename\nS1,Amy\n", "staff.csv, line 1: has no 'Surname' column"),
        (b"", "staff.csv: is empty: it has no header row"),
        (b'Staff ID,Forename,Surname\nS1,"Amy,Ng\n', "staff.csv, line 2: a quoted value"),
        (b"PK\x03\x04\x00\x00binary", "staff.csv: contains NUL characters"),
    ],
)
def test_unreadable_files(data: bytes, message: str) -> None:
    with pytest.raises(FileFormatError) as caught:
        parse_staff_csv(data)
    assert str(caught.value).startswith(message)
