"""The orchestrator: one sync of one school, from source to store. The only code that touches
both, and the owner of the transaction in which a plan is applied.

    read source -> validate -> plan -> apply + record (one transaction) -> release lock

A run that fails for any reason leaves the store exactly as it was, apart from its own history
row saying why.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from schoolsync.engine.identity import match_people
from schoolsync.engine.plan import make_plan
from schoolsync.engine.validate import UNEXPECTED, validate
from schoolsync.errors import SchoolsyncError, SyncInProgress
from schoolsync.model import Issue, Snapshot
from schoolsync.store.apply import apply_plan
from schoolsync.store.read import load_current
from schoolsync.store.runs import finish_run, record_issues, start_run
from schoolsync.store.schools import (
    School,
    get_school,
    record_sync_point,
    release_lock,
    take_lock,
)

log = logging.getLogger(__name__)

#: Ask for changes since a little before the last run began: clocks differ, and a record seen
#: twice costs nothing while a record missed is wrong until the next full sync.
CURSOR_OVERLAP = dt.timedelta(minutes=5)

Progress = Callable[[str, int, int | None], None]
#: Reads a school's source: `since` None means everything (a full sync).
SnapshotReader = Callable[[School, dt.datetime | None, Progress], Snapshot]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _no_progress(_what: str, _done: int, _total: int | None) -> None:
    return None


@dataclass(frozen=True, slots=True)
class SyncResult:
    run_id: int
    status: str
    mode: str
    counts: dict[str, dict[str, int]]
    issues: tuple[Issue, ...]
    message: str | None = None


def choose_mode(school: School, full_requested: bool, now: dt.datetime) -> str:
    """Incremental when possible, but a full sync at least every `full_sync_every_hours`:
    relation-only changes (a pupil moving class) do not always move `updated_at` in Wonde."""
    if full_requested or school.sync_cursor is None or school.last_full_sync_at is None:
        return "full"
    every = dt.timedelta(hours=school.settings.full_sync_every_hours)
    return "full" if now - school.last_full_sync_at >= every else "incremental"


def sync_school(
    engine: sa.Engine,
    school_key: str,
    read: SnapshotReader,
    *,
    trigger: str = "manual",
    full: bool = False,
    now: Callable[[], dt.datetime] = _utcnow,
    progress: Progress = _no_progress,
) -> SyncResult:
    started = now()
    with engine.begin() as conn:
        school = get_school(conn, school_key)
        mode = choose_mode(school, full, started)
        run_id = start_run(
            conn, school.id, trigger=trigger, source=school.source_kind, mode=mode, now=started
        )
    try:
        with engine.begin() as conn:
            take_lock(conn, school, run_id, started)
    except SyncInProgress as exc:
        with engine.begin() as conn:
            finish_run(conn, run_id, status="failed", now=now(), message=str(exc))
        raise

    try:
        since = None
        if mode == "incremental" and school.sync_cursor is not None:
            since = school.sync_cursor - CURSOR_OVERLAP
        snapshot = read(school, since, progress)
        with engine.begin() as conn:
            result = _apply_snapshot(conn, school, run_id, mode, snapshot, now())
            record_sync_point(
                conn, school.id, cursor=started, full=mode == "full", info=_school_facts(snapshot)
            )
            release_lock(conn, school.id, run_id)
        log.info("run %d for school %s: %s", run_id, school.key, result.status)
        return result
    except SchoolsyncError as exc:
        message = str(exc)
    except Exception as exc:  # the run must end recorded, whatever went wrong
        log.exception("run %d for school %s failed unexpectedly", run_id, school.key)
        message = f"{UNEXPECTED} ({type(exc).__name__}); nothing was changed"
    with engine.begin() as conn:
        finish_run(conn, run_id, status="failed", now=now(), message=message)
        release_lock(conn, school.id, run_id)
    log.info("run %d for school %s: failed", run_id, school.key)
    return SyncResult(run_id, "failed", mode, {}, (), message)


def _apply_snapshot(
    conn: sa.Connection,
    school: School,
    run_id: int,
    mode: str,
    snapshot: Snapshot,
    now: dt.datetime,
) -> SyncResult:
    current = load_current(conn, school.id)
    matched = match_people(snapshot.people, current.people)
    validated = validate(snapshot, school.settings, current.people, matched)
    plan = make_plan(validated, current, matched)
    apply_plan(conn, school.id, run_id, plan, now)
    record_issues(conn, school.id, run_id, validated.issues)
    errors = sum(1 for issue in validated.issues if issue.severity == "error")
    status = "issues_exist" if errors else "success"
    counts = plan.counts()
    finish_run(
        conn,
        run_id,
        status=status,
        now=now,
        counts=counts,
        issue_count=len(validated.issues),
        plan_hash=plan.digest(),
    )
    return SyncResult(run_id, status, mode, counts, validated.issues)


def _school_facts(snapshot: Snapshot) -> dict[str, str | None]:
    info = snapshot.school
    if info is None:
        return {}
    return {
        "urn": info.urn,
        "la_code": info.la_code,
        "establishment_number": info.establishment_number,
        "mis": info.mis,
        "phase": info.phase,
        "timezone": info.timezone,
    }
