"""The sync queue (`sync_jobs`): one row per school and slot, so a night is queued once however
often the scheduler looks and a job redelivered by a broker finds it already claimed or done.

States: queued -> running -> done; or queued -> skipped (paused, revoked, offline) with the
reason; a running job whose worker died goes back to queued (`requeue`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from schoolsync.store.schools import as_utc
from schoolsync.store.tables import schools, sync_jobs

QUEUED, RUNNING, DONE, SKIPPED = "queued", "running", "done", "skipped"

#: Lower goes first (the same order as `scheduling.queue_order`, in SQL).
_PRIORITY = sa.case(
    (sync_jobs.c.trigger == "expedited", 0), (sync_jobs.c.trigger == "manual", 1), else_=2
)


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    school_id: int
    school_key: str
    trigger: str
    slot: str
    full: bool
    state: str
    due_at: dt.datetime
    attempts: int
    worker: str | None
    started_at: dt.datetime | None
    run_id: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class NewJob:
    school_id: int
    slot: str
    due_at: dt.datetime
    trigger: str = "scheduled"
    state: str = QUEUED
    reason: str | None = None
    full: bool = False


def add_jobs(conn: sa.Connection, new: Sequence[NewJob], now: dt.datetime) -> list[int]:
    """Insert the jobs whose (school, slot) is not taken yet; the ids of those inserted."""
    added = []
    for job in new:
        values = {
            "school_id": job.school_id,
            "trigger": job.trigger,
            "slot": job.slot,
            "full": job.full,
            "state": job.state,
            "due_at": job.due_at,
            "created_at": now,
            "reason": job.reason,
        }
        statement = _insert_or_ignore(conn).values(values).returning(sync_jobs.c.id)
        job_id = conn.execute(statement).scalar()
        if job_id is not None:
            added.append(int(job_id))
    return added


def _insert_or_ignore(conn: sa.Connection) -> sa.Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(sync_jobs).on_conflict_do_nothing(
            index_elements=["school_id", "slot"]
        )
    return sqlite.insert(sync_jobs).on_conflict_do_nothing(index_elements=["school_id", "slot"])


def request_job(
    conn: sa.Connection, school_id: int, trigger: str, now: dt.datetime, *, full: bool = False
) -> int:
    """A person's request (manual, expedited): a slot of its own, due now."""
    slot = f"{trigger}:{uuid.uuid4().hex[:16]}"
    return add_jobs(conn, [NewJob(school_id, slot, now, trigger, full=full)], now)[0]


def request_once(
    conn: sa.Connection, school_id: int, trigger: str, now: dt.datetime, *, full: bool = False
) -> tuple[Job, bool]:
    """A person's request that is not doubled: the school's job of `trigger` still queued, or a
    new one; True when it is new. The school's row is locked (PostgreSQL) so two requests at
    once queue one job."""
    conn.execute(sa.select(schools.c.id).where(schools.c.id == school_id).with_for_update())
    waiting = (
        conn.execute(
            _select()
            .where(
                sync_jobs.c.school_id == school_id,
                sync_jobs.c.trigger == trigger,
                sync_jobs.c.state == QUEUED,
            )
            .order_by(sync_jobs.c.id)
            .limit(1)
        )
        .mappings()
        .first()
    )
    if waiting is not None:
        return _job(waiting), False
    job = get_job(conn, request_job(conn, school_id, trigger, now, full=full))
    assert job is not None  # inserted just now, in this transaction
    return job, True


def taken_slots(
    conn: sa.Connection, since: dt.datetime, school_ids: list[int] | None = None
) -> dict[int, set[str]]:
    """The slots of each school (or of those given) queued since `since`, whatever became of
    them."""
    query = sa.select(sync_jobs.c.school_id, sync_jobs.c.slot).where(sync_jobs.c.due_at >= since)
    if school_ids is not None:
        query = query.where(sync_jobs.c.school_id.in_(school_ids))
    rows = conn.execute(query)
    taken: dict[int, set[str]] = {}
    for school_id, slot in rows:
        taken.setdefault(school_id, set()).add(slot)
    return taken


def get_job(conn: sa.Connection, job_id: int) -> Job | None:
    row = conn.execute(_select().where(sync_jobs.c.id == job_id)).mappings().first()
    return None if row is None else _job(row)


def jobs_in(conn: sa.Connection, states: Iterable[str]) -> list[Job]:
    query = _select().where(sync_jobs.c.state.in_(list(states))).order_by(sync_jobs.c.id)
    return [_job(row) for row in conn.execute(query).mappings()]


def claim(
    conn: sa.Connection,
    job: Job,
    worker: str,
    now: dt.datetime,
) -> bool:
    """Take the job as it was read (queued, or running under a worker that is gone): of two
    workers claiming it at once, one wins."""
    claimed = conn.execute(
        sa.update(sync_jobs)
        .where(
            sync_jobs.c.id == job.id,
            sync_jobs.c.state == job.state,
            sync_jobs.c.attempts == job.attempts,
        )
        .values(state=RUNNING, worker=worker, started_at=now, attempts=job.attempts + 1)
    ).rowcount
    return claimed == 1


def next_queued(conn: sa.Connection, now: dt.datetime) -> Job | None:
    """The job to run next: manual and expedited first, then the earliest due."""
    query = (
        _select()
        .where(sync_jobs.c.state == QUEUED, sync_jobs.c.due_at <= now)
        .order_by(_PRIORITY, sync_jobs.c.due_at, sync_jobs.c.id)
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return None if row is None else _job(row)


def due_unsent(conn: sa.Connection, now: dt.datetime) -> list[Job]:
    """Queued jobs due by `now` that the broker has not carried since they were (re)queued."""
    query = (
        _select()
        .where(
            sync_jobs.c.state == QUEUED,
            sync_jobs.c.due_at <= now,
            sa.or_(sync_jobs.c.sent_at.is_(None), sync_jobs.c.sent_at < sync_jobs.c.due_at),
        )
        .order_by(_PRIORITY, sync_jobs.c.due_at, sync_jobs.c.id)
    )
    return [_job(row) for row in conn.execute(query).mappings()]


def mark_sent(conn: sa.Connection, job_ids: Sequence[int], now: dt.datetime) -> None:
    if job_ids:
        conn.execute(
            sa.update(sync_jobs).where(sync_jobs.c.id.in_(list(job_ids))).values(sent_at=now)
        )


def finish(
    conn: sa.Connection,
    job_id: int,
    now: dt.datetime,
    *,
    run_id: int | None,
    reason: str | None,
    state: str = DONE,
) -> None:
    conn.execute(
        sa.update(sync_jobs)
        .where(sync_jobs.c.id == job_id)
        .values(state=state, finished_at=now, run_id=run_id, reason=reason)
    )


def requeue(conn: sa.Connection, job_id: int, due_at: dt.datetime, reason: str) -> None:
    """Back in the queue (its worker died, or the school was busy): run again from `due_at`."""
    conn.execute(
        sa.update(sync_jobs)
        .where(sync_jobs.c.id == job_id)
        .values(state=QUEUED, due_at=due_at, reason=reason, worker=None)
    )


def open_jobs(conn: sa.Connection, school_ids: list[int] | None = None) -> dict[int, Job]:
    """Each school's (or each given school's) queued or running job, the earliest, for
    showing what comes next."""
    query = _select().where(sync_jobs.c.state.in_([QUEUED, RUNNING])).order_by(sync_jobs.c.id)
    if school_ids is not None:
        query = query.where(sync_jobs.c.school_id.in_(school_ids))
    found: dict[int, Job] = {}
    for row in conn.execute(query).mappings():
        job = _job(row)
        found.setdefault(job.school_id, job)
    return found


def _select() -> sa.Select[tuple[object, ...]]:
    return sa.select(sync_jobs, schools.c.key.label("school_key")).join(
        schools, schools.c.id == sync_jobs.c.school_id
    )


def _job(row: sa.RowMapping) -> Job:
    return Job(
        id=row["id"],
        school_id=row["school_id"],
        school_key=row["school_key"],
        trigger=row["trigger"],
        slot=row["slot"],
        full=bool(row["full"]),
        state=row["state"],
        due_at=as_utc(row["due_at"]) or row["due_at"],
        attempts=row["attempts"],
        worker=row["worker"],
        started_at=as_utc(row["started_at"]),
        run_id=row["run_id"],
        reason=row["reason"],
    )
