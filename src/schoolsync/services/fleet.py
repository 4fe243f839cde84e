"""Fleet health for vendor staff: how many schools are failing, waiting for approval, overdue
or paused, and which. The CLI (`schoolsync fleet`), the web app's schools overview and the
metrics all ask here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.store.fleet import FleetSchool


@dataclass(frozen=True, slots=True)
class FleetHealth:
    checked_at: dt.datetime
    total: int
    #: schools in each state (`model.fleet.HEALTH`); a school can be in several
    counts: dict[str, int]
    #: the schools in any state (or in the one asked for), by name
    schools: list[FleetSchool]


def fleet_health(engine: sa.Engine, now: dt.datetime, only: str | None = None) -> FleetHealth:
    """The counts and the schools, read in one transaction so that they agree."""
    from schoolsync.errors import BadInput
    from schoolsync.model.fleet import HEALTH
    from schoolsync.store import fleet

    if only is not None and only not in HEALTH:
        raise BadInput(f"unknown state {only!r}; choose one of {', '.join(HEALTH)}")
    with engine.begin() as conn:
        counts = fleet.health_counts(conn, now)
        listed = fleet.unhealthy_schools(conn, now, only)
    total = counts.pop("total")
    return FleetHealth(now, total, counts, listed)


def health_counts(engine: sa.Engine, now: dt.datetime) -> dict[str, int]:
    """Schools in each state, and `total`: the cheap part, for a page's summary."""
    from schoolsync.store import fleet

    with engine.connect() as conn:
        return fleet.health_counts(conn, now)
