"""A school's runs as its MIS sync page and a run's page read them: the rows of `sync_runs`, the
figures the chart draws, the holds waiting or made by one run. Rows out; words are the
services' (`services/history.py`, `services/run_page.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from schoolsync.store.schools import as_utc
from schoolsync.store.tables import holds, sync_runs


def run_rows(conn: sa.Connection, school_id: int, limit: int) -> list[Any]:
    """The school's last `limit` runs, newest first (whole rows)."""
    return list(
        conn.execute(
            sa.select(sync_runs)
            .where(sync_runs.c.school_id == school_id)
            .order_by(sync_runs.c.id.desc())
            .limit(limit)
        ).mappings()
    )


def run_row(conn: sa.Connection, school_id: int, run_id: int) -> Any | None:
    """One run of the school (a whole row); None when the school has no such run."""
    return (
        conn.execute(
            sa.select(sync_runs).where(sync_runs.c.school_id == school_id, sync_runs.c.id == run_id)
        )
        .mappings()
        .first()
    )


def run_figures(
    conn: sa.Connection, school_id: int, limit: int
) -> list[tuple[dt.datetime, int, int]]:
    """(started, changes, issues) of the school's last `limit` finished runs, oldest first."""
    rows = conn.execute(
        sa.select(sync_runs.c.started_at, sync_runs.c.counts, sync_runs.c.issue_count)
        .where(sync_runs.c.school_id == school_id, sync_runs.c.status != "running")
        .order_by(sync_runs.c.id.desc())
        .limit(limit)
    ).all()
    return [
        (
            as_utc(r.started_at) or r.started_at,
            sum(n for kinds in (r.counts or {}).values() for n in kinds.values()),
            r.issue_count,
        )
        for r in reversed(rows)
    ]


def pending_messages(conn: sa.Connection, school_id: int) -> list[tuple[str, str]]:
    """(subject, message) of each hold waiting for approval, oldest first."""
    rows = conn.execute(
        sa.select(holds.c.subject, holds.c.message)
        .where(holds.c.school_id == school_id, holds.c.status == "pending")
        .order_by(holds.c.id)
    )
    return [(r.subject, r.message) for r in rows]


def running_run(conn: sa.Connection, school_id: int) -> int | None:
    """The id of the school's run in progress, whoever started it."""
    return conn.execute(
        sa.select(sync_runs.c.id)
        .where(sync_runs.c.school_id == school_id, sync_runs.c.status == "running")
        .order_by(sync_runs.c.id.desc())
        .limit(1)
    ).scalar()


def run_holds(conn: sa.Connection, school_id: int, run_id: int) -> list[Any]:
    """The holds one run made, whatever became of them (whole rows)."""
    return list(
        conn.execute(
            sa.select(holds)
            .where(holds.c.school_id == school_id, holds.c.run_id == run_id)
            .order_by(holds.c.id)
        ).mappings()
    )
