"""Open issues across runs, through the real store (SQLite and PostgreSQL): an issue stays open
until its record is synced or gone, whatever kind of run comes next, and the status of every
run says so."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.engine import validate as v
from schoolsync.engine.open_issues import Reading, reconcile
from schoolsync.model import Deletion, Issue, Snapshot
from schoolsync.pipeline import SyncResult, sync_school
from schoolsync.store import runs as run_store
from schoolsync.store import schools as school_store
from schoolsync.store.open_issues import open_issue_list
from schoolsync.store.tables import open_issues
from tests.builders import pupil, snapshot, teacher
from tests.conftest import Clock

NO_EMAIL = teacher("T1", "Nobody", "Emailless", email=None, mis_id="1")
FIXED = teacher("T1", "Nobody", "Emailless", email="t1@school.org.uk", mis_id="1")


@pytest.fixture
def school(engine: sa.Engine, clock: Clock) -> str:
    with engine.begin() as conn:
        return school_store.add_school(
            conn, name="Larkfield", now=clock(), secret_key=Fernet.generate_key()
        ).key


def run(engine: sa.Engine, key: str, clock: Clock, mis: Snapshot) -> SyncResult:
    clock.advance(hours=1)
    return sync_school(engine, key, lambda *_: mis, now=clock, full=mis.complete)


def still_open(engine: sa.Engine, key: str) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        school_id = school_store.get_school(conn, key).id
        return [(i.source_id, i.message) for i in open_issue_list(conn, school_id)]


def own(engine: sa.Engine, key: str, run_id: int) -> list[Issue]:
    with engine.connect() as conn:
        return run_store.run_issues(conn, school_store.get_school(conn, key).id, run_id)


def test_an_incremental_run_keeps_earlier_issues_open(engine, school, clock) -> None:
    first = run(engine, school, clock, snapshot(pupil("P1"), NO_EMAIL, teacher("T2")))
    assert first.status == "issues_exist"
    # The next run reads only a pupil who changed: the teacher is still not synced.
    later = run(engine, school, clock, snapshot(pupil("P1", "Zara"), complete=False))
    assert later.counts == {"student": {"update": 1}}
    assert later.status == "issues_exist"
    assert (len(later.issues), later.open_issues) == (0, 1)
    assert own(engine, school, later.run_id) == []  # the run's own issues are kept as they were
    assert len(own(engine, school, first.run_id)) == 1
    assert still_open(engine, school) == [("T1", v.MISSING_EMAIL)]


def test_an_issue_is_resolved_by_the_run_that_syncs_its_record(engine, school, clock) -> None:
    run(engine, school, clock, snapshot(pupil("P1"), NO_EMAIL))
    fixed = run(engine, school, clock, snapshot(FIXED, complete=False))
    assert fixed.counts == {"teacher": {"create": 1}}
    assert (fixed.status, fixed.open_issues) == ("success", 0)
    assert still_open(engine, school) == []
    with engine.connect() as conn:
        row = conn.execute(sa.select(open_issues)).mappings().one()
    assert row["resolved_run_id"] == fixed.run_id and row["resolved_at"] is not None


def test_an_issue_is_resolved_when_its_record_is_gone(engine, school, clock) -> None:
    run(engine, school, clock, snapshot(pupil("P1"), NO_EMAIL, teacher("T3", email=None)))
    deleted = run(
        engine, school, clock, snapshot(complete=False, deletions=(Deletion("employee", "T1"),))
    )
    assert still_open(engine, school) == [("T3", v.MISSING_EMAIL)]
    assert deleted.status == "issues_exist"
    gone = run(engine, school, clock, snapshot(pupil("P1")))  # a full read without them
    assert (gone.status, still_open(engine, school)) == ("success", [])


def test_an_issue_found_again_stays_one_open_issue(engine, school, clock) -> None:
    for _ in range(3):
        result = run(engine, school, clock, snapshot(pupil("P1"), NO_EMAIL))
    assert (result.status, result.open_issues) == ("issues_exist", 1)
    assert still_open(engine, school) == [("T1", v.MISSING_EMAIL)]


def test_an_open_warning_keeps_the_run_successful_with_warnings(engine, school, clock) -> None:
    warning = Issue("class", "7A/Ma1", "a member was not among the students", "K1", "m1", "warning")
    run(engine, school, clock, snapshot(pupil("P1"), read_issues=(warning,)))
    later = run(engine, school, clock, snapshot(pupil("P1", "Zara"), complete=False))
    assert later.status == "success_with_warnings"


@pytest.mark.parametrize(
    ("name", "reading", "resolved"),
    [
        (
            "a full read that covers the record",
            Reading(True, frozenset({"employee"}), frozenset()),
            True,
        ),
        (
            "a full read of pupils only (a CTF)",
            Reading(True, frozenset({"pupil"}), frozenset()),
            False,
        ),
        (
            "an incremental read of the record",
            Reading(False, frozenset(), frozenset({("person", "T1")})),
            True,
        ),
        (
            "an incremental read of others",
            Reading(False, frozenset(), frozenset({("person", "P1")})),
            False,
        ),
        (
            "a class with the same id",
            Reading(False, frozenset(), frozenset({("class", "T1")})),
            False,
        ),
    ],
)
def test_which_reads_resolve_an_open_issue(name: str, reading: Reading, resolved: bool) -> None:
    issue = Issue("teacher", "Nobody Emailless", v.MISSING_EMAIL, "T1", "1")
    outcome = reconcile([(7, issue)], [], reading)
    assert outcome.resolved == ((7,) if resolved else ()), name
