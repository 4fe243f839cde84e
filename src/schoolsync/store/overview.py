"""The schools overview as vendor staff page through it: each school with its latest run, its
open issues and whether changes wait for approval, keyset-paginated (`services/overview.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.model.connection import state_for
from schoolsync.model.fleet import HEALTH
from schoolsync.store.fleet import health_condition
from schoolsync.store.schools import as_utc
from schoolsync.store.tables import holds, schools, sync_runs

PAGE_SIZE = 50
FILTERS = ("success", "issues_exist", "needs_approval", "failed", "paused", "never")


@dataclass(frozen=True, slots=True)
class SchoolRow:
    id: int
    key: str
    name: str
    urn: str | None
    status: str | None
    last_sync: dt.datetime | None
    open_issues: int
    needs_approval: bool
    #: model/connection.py's state (not_connected for a school fed by files)
    connection: str = "approved"


@dataclass(frozen=True, slots=True)
class SchoolPage:
    rows: list[SchoolRow]
    #: the (name, id) to continue after, when there is a next page
    next_after: tuple[str, int] | None


def _latest_run_column(column: sa.Column[Any]) -> sa.ScalarSelect[Any]:
    """The latest run's value of `column` for the school of the outer query (the index on
    sync_runs.school_id keeps this one index probe per school shown)."""
    return (
        sa.select(column)
        .where(sync_runs.c.school_id == schools.c.id)
        .order_by(sync_runs.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def school_overview(
    conn: sa.Connection,
    *,
    search: str = "",
    status: str = "",
    after: tuple[str, int] | None = None,
    page_size: int = PAGE_SIZE,
    health: str = "",
    now: dt.datetime | None = None,
) -> SchoolPage:
    """One page of schools ordered by name, continuing after `after` (keyset pagination: as
    fast on the last page of 20,000 schools as on the first); `health` keeps the schools in
    that state of fleet health at `now` (`store/fleet.py`)."""
    latest_status = _latest_run_column(sync_runs.c.status)
    query = sa.select(
        schools.c.id, schools.c.key, schools.c.name, schools.c.urn, schools.c.source_kind,
        schools.c.connection_state,
    )  # fmt: skip
    if search.strip():
        term = search.strip().lower()
        query = query.where(
            sa.or_(sa.func.lower(schools.c.name).contains(term, autoescape=True),
                   schools.c.urn == search.strip())
        )  # fmt: skip
    if status == "never":
        query = query.where(latest_status.is_(None))
    elif status in FILTERS:
        query = query.where(latest_status == status)
    if health in HEALTH:
        query = query.where(health_condition(health, now or dt.datetime.now(dt.UTC)))
    if after is not None:
        query = query.where(sa.tuple_(schools.c.name, schools.c.id) > sa.tuple_(*after))
    found = conn.execute(query.order_by(schools.c.name, schools.c.id).limit(page_size + 1)).all()
    more = len(found) > page_size
    found = found[:page_size]
    ids = [r.id for r in found]
    latest = _latest_runs(conn, ids)
    waiting = set(
        conn.execute(
            sa.select(holds.c.school_id)
            .where(holds.c.school_id.in_(ids), holds.c.status == "pending")
            .distinct()
        ).scalars()
    )
    rows = [
        SchoolRow(
            id=r.id,
            key=r.key,
            name=r.name,
            urn=r.urn,
            status=latest[r.id]["status"] if r.id in latest else None,
            last_sync=as_utc(latest[r.id]["finished_at"]) if r.id in latest else None,
            open_issues=latest[r.id]["issue_count"] if r.id in latest else 0,
            needs_approval=r.id in waiting,
            connection=state_for(r.source_kind, r.connection_state),
        )
        for r in found
    ]
    next_after = (found[-1].name, found[-1].id) if more and found else None
    return SchoolPage(rows, next_after)


def _latest_runs(conn: sa.Connection, school_ids: list[int]) -> dict[int, Any]:
    if not school_ids:
        return {}
    newest = (
        sa.select(sa.func.max(sync_runs.c.id))
        .where(sync_runs.c.school_id.in_(school_ids))
        .group_by(sync_runs.c.school_id)
    )
    rows = conn.execute(sa.select(sync_runs).where(sync_runs.c.id.in_(newest))).mappings()
    return {r["school_id"]: r for r in rows}
