"""Figures for the metrics about runs, the sync queue and the write-back outbox, read from
their tables: the same answer whichever process (the web app, a worker, a person's
`schoolsync sync`) did the work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.store.attendance_tables import attendance_marks
from schoolsync.store.tables import sync_jobs, sync_runs


@dataclass(frozen=True, slots=True)
class Durations:
    """How long finished runs took: cumulative counts at each bound, as Prometheus buckets."""

    bounds: tuple[float, ...]
    at_most: tuple[int, ...]
    count: int
    total_seconds: float


def runs_by_status(conn: sa.Connection) -> dict[str, int]:
    rows = conn.execute(
        sa.select(sync_runs.c.status, sa.func.count()).group_by(sync_runs.c.status)
    ).all()
    return {status: int(count) for status, count in rows}


def run_durations(conn: sa.Connection, bounds: Sequence[float]) -> Durations:
    """Every finished run's duration, bucketed in the database (one row comes back)."""
    seconds = _seconds(conn, sync_runs.c.started_at, sync_runs.c.finished_at)
    columns: list[Any] = [sa.func.count(), sa.func.coalesce(sa.func.sum(seconds), 0.0)] + [
        sa.func.coalesce(sa.func.sum(sa.case((seconds <= bound, 1), else_=0)), 0)
        for bound in bounds
    ]
    row = conn.execute(sa.select(*columns).where(sync_runs.c.finished_at.is_not(None))).one()
    return Durations(
        bounds=tuple(bounds),
        at_most=tuple(int(n) for n in row[2:]),
        count=int(row[0]),
        total_seconds=float(row[1]),
    )


def _seconds(conn: sa.Connection, start: Any, end: Any) -> Any:
    if conn.dialect.name == "sqlite":  # timestamps are text there: julianday reads them
        return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0
    return sa.func.extract("epoch", end - start)


@dataclass(frozen=True, slots=True)
class QueueDepth:
    #: jobs due now that no worker has taken yet
    waiting: int
    #: how long the oldest of them has waited (0 when none)
    oldest_seconds: float
    #: jobs a worker is running
    running: int
    #: jobs queued for later (a school's night not yet come, a retry)
    later: int


def queue_depth(conn: sa.Connection, now: dt.datetime) -> QueueDepth:
    state, due = sync_jobs.c.state, sync_jobs.c.due_at
    waiting = sa.and_(state == "queued", due <= now)
    row = conn.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(sa.case((waiting, 1), else_=0)), 0),
            sa.func.min(sa.case((waiting, due), else_=None)),
            sa.func.coalesce(sa.func.sum(sa.case((state == "running", 1), else_=0)), 0),
            sa.func.coalesce(
                sa.func.sum(sa.case((sa.and_(state == "queued", due > now), 1), else_=0)), 0
            ),
        ).where(state.in_(("queued", "running")))
    ).one()
    oldest = _as_utc(row[1])
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return QueueDepth(int(row[0]), age, int(row[2]), int(row[3]))


@dataclass(frozen=True, slots=True)
class WriteBack:
    #: attendance marks by status (queued, sent, confirmed, failed)
    marks: dict[str, int]
    #: how long the oldest mark not yet in the MIS (queued or sent) has waited; 0 when none
    lag_seconds: float


def write_back(conn: sa.Connection, now: dt.datetime) -> WriteBack:
    status = attendance_marks.c.status
    marks = {
        str(name): int(count)
        for name, count in conn.execute(sa.select(status, sa.func.count()).group_by(status)).all()
    }
    oldest = _as_utc(
        conn.execute(
            sa.select(sa.func.min(attendance_marks.c.created_at)).where(
                status.in_(("queued", "sent"))
            )
        ).scalar()
    )
    lag = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return WriteBack(marks, lag)


def _as_utc(value: dt.datetime | str | None) -> dt.datetime | None:
    """min() over a CASE loses the column's type on SQLite: the timestamp comes back as text."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value
