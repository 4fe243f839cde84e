"""Every issue message, recorded by a real run and read back as the CSV a school downloads
(SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.engine import validate as v
from schoolsync.issues_csv import COLUMNS, safe_cell, write_issues_csv
from schoolsync.model.current import person_values
from schoolsync.pipeline import sync_school
from schoolsync.school_settings import SchoolSettings
from schoolsync.store import runs as run_store
from schoolsync.store import schools as school_store
from schoolsync.store.tables import people
from tests.builders import pupil, school_class, snapshot, teacher

NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


def test_every_message_reaches_the_csv(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        school = school_store.add_school(
            conn,
            name="Larkfield",
            now=NOW,
            secret_key=Fernet.generate_key(),
            settings=SchoolSettings(allowed_domains=("school.org.uk",)),
        )
        # Users someone created by hand in the product before the first sync.
        for person, username in [
            (pupil("M1", email="clash@school.org.uk"), "clash@school.org.uk"),
            (teacher("M2", email="twice@school.org.uk"), "twice@school.org.uk"),
            (teacher("M3", email="twice@school.org.uk"), "m3"),
            (teacher("M4", email="m4@school.org.uk"), "taken@school.org.uk"),
        ]:
            values = {**person_values(person), "source_id": None, "upi": None, "mis_id": None}
            conn.execute(
                sa.insert(people).values(
                    school_id=school.id,
                    family=person.family,
                    username=username,
                    created_at=NOW,
                    updated_at=NOW,
                    **values,
                )
            )

    mis = snapshot(
        teacher("T1", "Nobody", "Emailless", email=None, mis_id="1"),
        teacher("T2", "Gmail", "User", email="t2@gmail.com", mis_id="2"),
        teacher("T3", "=cmd|' /C calc'!A0", "Smith", email="clash@school.org.uk", mis_id="3"),
        teacher("T4", "Amy", "Twice", email="twice@school.org.uk", mis_id="4"),
        teacher("T5", "Dup", "One", email="dup@school.org.uk", mis_id="5"),
        teacher("T6", "Dup", "Two", email="dup@school.org.uk", mis_id="6"),
        teacher("T7", "Taken", "Name", email="taken@school.org.uk", mis_id="7"),
        school_class("C1", name="", mis_id="8"),
        pupil("P1", forename="Zoë"),
        pupil("P1", forename="Zara"),
    )
    result = sync_school(engine, school.key, lambda *_: mis, now=lambda: NOW)
    assert result.status == "issues_exist"

    with engine.connect() as conn:
        found = run_store.run_issues(conn, school.id, None)
    buffer = io.StringIO()
    write_issues_csv(found, buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0]) == COLUMNS
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["T1"][1:5] == ["Teacher", "Nobody Emailless", "1", v.MISSING_EMAIL]
    assert by_id["T2"][4] == v.DOMAIN_NOT_ALLOWED
    assert by_id["T3"][4] == v.ROLE_MISMATCH
    assert by_id["T4"][4] == v.MULTIPLE_MATCHES
    assert by_id["T5"][4] == by_id["T6"][4] == v.DUPLICATE_EMAIL
    assert by_id["T7"][4] == v.USERNAME_IN_USE
    assert by_id["C1"][1:5] == ["Class", "", "8", v.MISSING_CLASS_NAME]
    assert by_id["P1"][4].startswith(v.UNEXPECTED)
    # A name from the MIS must not run as a spreadsheet formula.
    assert by_id["T3"][2].startswith("'=")
    assert all(row[6] for row in rows[1:])  # every row says what to do about it


def test_formula_cells_are_neutralised() -> None:
    for dangerous in ("=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("O'Connor") == "O'Connor"
    assert safe_cell("") == ""
