"""Values checked by type in every file source: an email must be an address. A value that is
not is a warning naming the file, the line (or element) and the field, and the stored value is
kept. A file cut short in the middle of its last row is not applied as if nothing happened."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.model import Issue
from schoolsync.pipeline import SyncResult, sync_school
from schoolsync.sources.ctf.reader import parse_ctf
from schoolsync.sources.files.csv import Column, read_csv_table
from schoolsync.sources.files.values import parse_email
from schoolsync.sources.oneroster.reader import read_oneroster
from schoolsync.sources.registry import file_reader_for
from schoolsync.sources.staffcsv import parse_staff_csv
from schoolsync.store import schools as school_store
from schoolsync.store.tables import people
from tests.conftest import SHARED

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
LEPO = SHARED / "cases" / "oneroster" / "lepo-roster-hub-v1p1-en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("  ", None),
        (" User20@Sample-U.ac.jp ", "user20@sample-u.ac.jp"),
        ("o'brien@school.co.uk", "o'brien@school.co.uk"),
        ("zoë@école.example.fr", "zoë@école.example.fr"),
    ],
)
def test_an_email_is_read_lower_case(text: str, expected: str | None) -> None:
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    "text", ["user20@sa", "user20", "@school.org.uk", "amy ng@school.org.uk", "a@@b.org", "a@b."]
)
def test_what_is_not_an_email_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not an email address"):
        parse_email(text)


def new_school(engine: sa.Engine) -> tuple[int, str]:
    with engine.begin() as conn:
        school = school_store.add_school(
            conn, name="Sample U", now=NOW, secret_key=Fernet.generate_key()
        )
    return school.id, school.key


def import_into(engine: sa.Engine, key: str, folder: Path) -> SyncResult:
    kind, reader = file_reader_for(folder, None)
    return sync_school(engine, key, reader, now=lambda: NOW, file_import=True, source=kind)


def emails(engine: sa.Engine, school_id: int) -> dict[str, str | None]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(people.c.source_id, people.c.email).where(people.c.school_id == school_id)
        )
        return {source_id: email for source_id, email in rows}


def about_users(result: SyncResult) -> list[Issue]:
    # (the package's enrollments.csv has warnings of its own)
    return [issue for issue in result.issues if "users.csv" in issue.message]


def unquoted_users(folder: Path) -> str:
    """users.csv as a program that quotes only where it must would write it."""
    with (folder / "users.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.fixture
def package(tmp_path: Path) -> Path:
    folder = tmp_path / "lepo"
    shutil.copytree(LEPO, folder)
    (folder / "users.csv").write_text(unquoted_users(LEPO), encoding="utf-8")
    return folder


def test_a_users_csv_cut_inside_its_last_email_is_not_applied(
    engine: sa.Engine, package: Path
) -> None:
    school_id, key = new_school(engine)
    first = import_into(engine, key, package)
    assert first.status in ("success", "success_with_warnings") and not about_users(first)
    before = emails(engine, school_id)
    assert before["us0020"] == "user20@sample-u.ac.jp"

    users = package / "users.csv"
    text = users.read_text(encoding="utf-8")
    users.write_text(text[: text.index("user20@sample-u.ac.jp") + len("user20@sa")])
    result = import_into(engine, key, package)

    assert result.status == "failed"
    assert result.message is not None
    assert result.message.startswith(
        "lepo/users.csv, line 21: the file ends in the middle of this row (was it cut short"
    )
    assert emails(engine, school_id) == before


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("a,b,c\n1,2,3\n4,5", True),  # the last row stops short, with no line break
        ("a,b,c\n1,2,3\n4,5\n", False),  # short, but whole: trailing empty columns
        ("a,b,c\n1,2,3\n4,5,6", False),  # no final line break is common
        ("a,b,c,,\n1,2,3\n4,5,6", False),  # empty header names no row fills
        ("a,b,c\n1,2\n4,5,6\n\n", False),
    ],
)
def test_a_file_cut_short_is_told_from_one_without_a_final_line_break(text: str, cut: bool) -> None:
    table = read_csv_table(text, "x.csv", [Column("a"), Column("b"), Column("c")])
    assert [row.cut for row in table.rows] == [False, cut]


def test_an_invalid_email_is_a_warning_and_the_stored_one_is_kept(
    engine: sa.Engine, package: Path
) -> None:
    school_id, key = new_school(engine)
    import_into(engine, key, package)
    users = package / "users.csv"
    text = users.read_text(encoding="utf-8")
    text = text.replace("user20@sample-u.ac.jp", "user20@sa").replace("GN 19", "Gina")
    users.write_text(text, encoding="utf-8")

    result = import_into(engine, key, package)

    (issue,) = about_users(result)
    assert issue.severity == "warning"
    assert issue.message == (
        "lepo/users.csv, line 21: email 'user20@sa' is not a valid email address; the email "
        "was left as it was"
    )
    assert emails(engine, school_id)["us0020"] == "user20@sample-u.ac.jp"
    # the rest of the file was applied
    assert result.counts == {"student": {"update": 1}}


def test_a_staff_list_email_that_is_not_an_address_is_a_warning() -> None:
    snapshot = parse_staff_csv(
        b"Staff ID,Forename,Surname,Email\nS1,Amy,Ng,amy.ng@school\nS2,Bo,Li,bo.li@school.org\n"
    )
    amy, bo = snapshot.people
    assert (amy.email, amy.unreadable) == (None, frozenset({"email"}))
    assert bo.email == "bo.li@school.org"
    (issue,) = snapshot.read_issues
    assert issue.severity == "warning"
    assert issue.message == (
        "staff.csv, line 2: Email 'amy.ng@school' is not a valid email address; the email was "
        "left as it was"
    )


def test_a_ctf_email_that_is_not_an_address_is_a_warning() -> None:
    data = b"""<CTfile><CTFpupilData><Pupil>
      <UPN>A999400125001</UPN><Surname>Ng</Surname><Forename>Amy</Forename>
      <Email>amy.ng at home</Email>
      <Contacts><Contact><Order>1</Order><Surname>Ng</Surname><Forename>Li</Forename>
        <Email>li@</Email></Contact></Contacts>
    </Pupil></CTFpupilData></CTfile>"""
    snapshot = parse_ctf(data, "amy.xml")

    for person in snapshot.people:
        assert (person.email, person.unreadable) == (None, frozenset({"email"}))
    messages = sorted(issue.message for issue in snapshot.read_issues)
    assert messages == [
        "amy.xml, /CTfile/CTFpupilData/Pupil[1]/Contacts/Contact[1]/Email (pupil UPN "
        "A999400125001): 'li@' is not a valid email address; the email was left as it was",
        "amy.xml, /CTfile/CTFpupilData/Pupil[1]/Email (pupil UPN A999400125001): 'amy.ng at "
        "home' is not a valid email address; the email was left as it was",
    ]


def test_oneroster_values_that_cannot_be_read_are_marked_so_the_stored_ones_stay(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "propertyName,value\nfile.users,bulk\nfile.demographics,bulk\n", encoding="utf-8"
    )
    (folder / "users.csv").write_text(
        "sourcedId,role,givenName,familyName,email,grades\n"
        "s1,student,Amy,Ng,amy@home,ZZ\n"
        "s2,student,Bo,Li,bo@home.example.net,07\n",
        encoding="utf-8",
    )
    (folder / "demographics.csv").write_text(
        "sourcedId,birthDate,sex\ns1,31/02/2013,q\ns2,2013-02-28,F\n", encoding="utf-8"
    )
    amy, bo = read_oneroster(folder).people

    assert amy.unreadable == {"email", "year_group", "date_of_birth", "gender"}
    assert (amy.email, amy.year_group, amy.date_of_birth, amy.gender) == (None, None, None, None)
    assert bo.unreadable == frozenset()
    assert (bo.email, bo.year_group, bo.date_of_birth, bo.gender) == (
        "bo@home.example.net",
        "7",
        dt.date(2013, 2, 28),
        "female",
    )
