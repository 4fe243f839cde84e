"""The three matching issues of DESIGN.md, as they arise against existing accounts on the first
connection: the person is left out of the sync, and the existing account stays as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from schoolsync.engine.validate import MULTIPLE_MATCHES, ROLE_MISMATCH, USERNAME_IN_USE
from schoolsync.services import first_connection as service
from schoolsync.store import schools as school_store
from schoolsync.store.tables import people
from tests.builders import pupil, school_class, snapshot, teacher

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
BIRTHDAY = "2014-03-09"
USERS = (
    "username,email,forename,surname,role,date_of_birth\n"
    # a pupil's account under the email the MIS gives a teacher
    "amara1,t1@school.org.uk,Amara,Okafor,student,\n"
    # two accounts either of which could be the MIS's Sam Lee
    f"samuel1,,Samuel,Lee,student,{BIRTHDAY}\n"
    f"samantha1,,Samantha,Lee,student,{BIRTHDAY}\n"
    # a username that is the email the MIS gives another teacher
    "t2@school.org.uk,,Old,Account,teacher,\n"
)


def mis() -> Any:
    return snapshot(
        teacher("T1", email="t1@school.org.uk"),
        teacher("T2", forename="Rhys", surname="Evans", email="t2@school.org.uk"),
        pupil("P1", forename="Sam", surname="Lee", date_of_birth=dt.date(2014, 3, 9)),
        pupil("P2", forename="Noor", surname="Haddad"),
        school_class("K1", "7A", students=["P1", "P2"], teachers=["T1"], mis_id="m1"),
    )


@pytest.fixture
def school(engine: sa.Engine) -> str:
    with engine.begin() as conn:
        key = school_store.add_school(conn, name="Larkfield", now=NOW, secret_key=b"k" * 44).key
    service.import_existing(engine, key, ("users.csv", USERS.encode()), now=NOW)
    return key


def test_each_issue_leaves_the_person_out_and_the_account_alone(
    engine: sa.Engine, school: str
) -> None:
    read = lambda *_: mis()  # noqa: E731 - the MIS as a function
    report = service.match_report(engine, school, read)
    said = {r.person.source_id: r.message for r in report.unresolved()}
    assert said == {"T1": ROLE_MISMATCH, "T2": USERNAME_IN_USE, "P1": None}  # P1: to resolve

    with engine.connect() as conn:
        before = sorted(tuple(r) for r in conn.execute(sa.select(people)))
    merged = service.merge(engine, school, read, now=NOW)
    issues = {(i.source_id, i.message) for i in merged.sync.issues}
    assert {("T1", ROLE_MISMATCH), ("T2", USERNAME_IN_USE), ("P1", MULTIPLE_MATCHES)} <= issues
    with engine.connect() as conn:
        rows = list(conn.execute(sa.select(people)).mappings())
    created = {r["source_id"] for r in rows if r["source_id"]}
    assert created == {"P2"}  # only the new pupil; nobody got a second account
    assert sorted(tuple(r.values()) for r in rows if r["source_id"] is None) == before

    # Resolved later: Sam Lee is Samuel's account, and the next sync links it.
    samuel_id = next(r["id"] for r in rows if r["username"] == "samuel1")
    service.resolve(engine, school, {"mis-P1": samuel_id})
    from schoolsync.pipeline import sync_school

    again = sync_school(engine, school, read, now=lambda: NOW)
    assert ("P1", MULTIPLE_MATCHES) not in {(i.source_id, i.message) for i in again.issues}
    with engine.connect() as conn:
        samuel = conn.execute(sa.select(people).where(people.c.username == "samuel1")).one()
    assert (samuel.source_id, samuel.forename) == ("P1", "Sam")
