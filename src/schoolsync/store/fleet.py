"""Fleet health read from the store: which schools are failing, waiting for approval, overdue
or paused (`model/fleet.py` says what each means). Each state is one SQL condition on the
schools table, so the same condition counts schools, lists them and filters the web app's
overview, and all of it is read from the runs and holds tables: right whichever process or
machine ran the syncs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def _latest_runs() -> sa.Subquery:
    """Each school's latest run id: one pass over the index on (school_id, id)."""
    return (
        sa.select(sync_runs.c.school_id, sa.func.max(sync_runs.c.id).label("run_id"))
        .group_by(sync_runs.c.school_id)
        .subquery("latest")
    )


def _last_synced() -> sa.Subquery:
    """When each school's latest applied run finished."""
    return (
        sa.select(sync_runs.c.school_id, sa.func.max(sync_runs.c.finished_at).label("at"))
        .where(sync_runs.c.status.in_(APPLIED))
        .group_by(sync_runs.c.school_id)
        .subquery("synced")
    )


def school_ids(health: str, now: dt.datetime) -> sa.Select[tuple[int]]:
    """The ids of the schools in state `health` at `now`. Set-based, not one subquery per
    school: counting 20,000 schools must not slow the overview page."""
    if health == "failing":
        latest = _latest_runs()
        return (
            sa.select(sync_runs.c.school_id)
            .join(latest, sync_runs.c.id == latest.c.run_id)
            .where(sync_runs.c.status == "failed")
        )
    if health == "needs_approval":
        return sa.select(holds.c.school_id).where(holds.c.status == "pending").distinct()
    if health == "paused":
        return sa.select(schools.c.id).where(_paused())
    if health == "overdue":
        cutoff = overdue_cutoff(now)
        recent = sa.select(sync_runs.c.school_id).where(
            sync_runs.c.status.in_(APPLIED), sync_runs.c.finished_at >= cutoff
        )
        # Only schools the scheduler syncs: fed by Wonde, connected, not paused, and added
        # long enough ago to have had a night.
        return sa.select(schools.c.id).where(
            schools.c.source_kind == "wonde",
            schools.c.connection_state == "approved",
            sa.not_(_paused()),
            schools.c.created_at < cutoff,
            schools.c.id.not_in(recent),
        )
    raise ValueError(f"unknown fleet health {health!r}; one of {', '.join(HEALTH)}")


def health_condition(health: str, now: dt.datetime) -> sa.ColumnElement[bool]:
    """The schools in state `health` at `now`, as a condition on the schools table."""
    return schools.c.id.in_(school_ids(health, now))


def health_counts(conn: sa.Connection, now: dt.datetime) -> dict[str, int]:
    """How many schools are in each state, and `total` schools."""
    counts = {"total": conn.execute(sa.select(sa.func.count()).select_from(schools)).scalar_one()}
    for health in HEALTH:
        found = sa.select(sa.func.count()).select_from(school_ids(health, now).subquery())
        counts[health] = conn.execute(found).scalar_one()
    return {name: int(n) for name, n in counts.items()}


def unhealthy_schools(
    conn: sa.Connection, now: dt.datetime, only: str | None = None
) -> list[FleetSchool]:
    """Every school in any state (or only in `only`), by name."""
    members = {
        health: set(conn.execute(school_ids(health, now)).scalars())
        for health in (HEALTH if only is None else (only,))
    }
    wanted = set().union(*members.values())
    if not wanted:
        return []
    latest, synced = _latest_runs(), _last_synced()
    query = (
        sa.select(schools.c.id, schools.c.key, schools.c.name, schools.c.urn,
                  sync_runs.c.status, synced.c.at)
        .select_from(schools)
        .outerjoin(latest, latest.c.school_id == schools.c.id)
        .outerjoin(sync_runs, sync_runs.c.id == latest.c.run_id)
        .outerjoin(synced, synced.c.school_id == schools.c.id)
        .where(schools.c.id.in_(sa.union(*(school_ids(h, now) for h in members))))
        .order_by(schools.c.name, schools.c.id)
    )  # fmt: skip
    return [
        FleetSchool(
            key=row.key,
            name=row.name,
            urn=row.urn,
            status=row.status,
            last_synced=as_utc(row.at),
            health=tuple(h for h in HEALTH if row.id in members.get(h, ())),
        )
        for row in conn.execute(query)
    ]
