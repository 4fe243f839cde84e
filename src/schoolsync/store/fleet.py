"""Fleet health read from the store: which schools are failing, waiting for approval, overdue
or paused (`model/fleet.py` says what each means). Each state is one SQL condition on the
schools table, so the same condition counts schools, lists them and filters the web app's
overview, and all of it is read from the runs and holds tables: right whichever process or
machine ran the syncs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.model.fleet import HEALTH, Health, overdue_cutoff
from schoolsync.store.schools import as_utc
from schoolsync.store.tables import holds, schools, sync_runs

#: The statuses of a run that read the MIS and applied what it could.
APPLIED = ("success", "success_with_warnings", "issues_exist", "needs_approval")


@dataclass(frozen=True, slots=True)
class FleetSchool:
    key: str
    name: str
    urn: str | None
    #: the latest run's status; None when never synced
    status: str | None
    #: when its latest applied run finished
    last_synced: dt.datetime | None
    health: tuple[Health, ...]


def _paused() -> sa.ColumnElement[bool]:
    flag = schools.c.settings["paused"].as_boolean()
    return sa.and_(flag.is_not(None), flag.is_(True))


def _latest_status() -> sa.ScalarSelect[Any]:
    return (
        sa.select(sync_runs.c.status)
        .where(sync_runs.c.school_id == schools.c.id)
        .order_by(sync_runs.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _last_synced() -> sa.ScalarSelect[Any]:
    return (
        sa.select(sa.func.max(sync_runs.c.finished_at))
        .where(sync_runs.c.school_id == schools.c.id, sync_runs.c.status.in_(APPLIED))
        .scalar_subquery()
    )


def health_condition(health: str, now: dt.datetime) -> sa.ColumnElement[bool]:
    """The schools in state `health` at `now`, as a condition on the schools table."""
    if health == "failing":
        return _latest_status() == "failed"
    if health == "needs_approval":
        return sa.exists().where(holds.c.school_id == schools.c.id, holds.c.status == "pending")
    if health == "paused":
        return _paused()
    if health == "overdue":
        cutoff = overdue_cutoff(now)
        recent = sa.exists().where(
            sync_runs.c.school_id == schools.c.id,
            sync_runs.c.status.in_(APPLIED),
            sync_runs.c.finished_at >= cutoff,
        )
        # Only schools the scheduler syncs: fed by Wonde, connected, not paused, and added
        # long enough ago to have had a night.
        return sa.and_(
            schools.c.source_kind == "wonde",
            schools.c.connection_state == "approved",
            sa.not_(_paused()),
            schools.c.created_at < cutoff,
            sa.not_(recent),
        )
    raise ValueError(f"unknown fleet health {health!r}; one of {', '.join(HEALTH)}")


def health_counts(conn: sa.Connection, now: dt.datetime) -> dict[str, int]:
    """How many schools are in each state, and `total` schools: one query."""
    columns = [sa.func.count().label("total")] + [
        sa.func.coalesce(sa.func.sum(sa.case((health_condition(h, now), 1), else_=0)), 0).label(h)
        for h in HEALTH
    ]
    row = conn.execute(sa.select(*columns).select_from(schools)).one()
    return {name: int(row._mapping[name]) for name in ("total", *HEALTH)}


def unhealthy_schools(
    conn: sa.Connection, now: dt.datetime, only: str | None = None
) -> list[FleetSchool]:
    """Every school in any state (or only in `only`), by name."""
    flags = [sa.case((health_condition(h, now), 1), else_=0).label(h) for h in HEALTH]
    wanted = (
        health_condition(only, now) if only else sa.or_(*(health_condition(h, now) for h in HEALTH))
    )
    query = (
        sa.select(
            schools.c.key,
            schools.c.name,
            schools.c.urn,
            _latest_status().label("status"),
            _last_synced().label("last_synced"),
            *flags,
        )
        .where(wanted)
        .order_by(schools.c.name, schools.c.id)
    )
    return [
        FleetSchool(
            key=row.key,
            name=row.name,
            urn=row.urn,
            status=row.status,
            last_synced=as_utc(row.last_synced),
            health=tuple(h for h in HEALTH if row._mapping[h]),
        )
        for row in conn.execute(query)
    ]
