"""A small fleet with one school in each state of fleet health, written straight into the store
as the runs of several workers would have left it (tests of the CLI, the pages and /metrics)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.school_settings import SchoolSettings
from schoolsync.store import schools as school_store
from schoolsync.store.tables import holds, schools, sync_runs

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)

#: name -> (runs as (status, hours before NOW it finished, seconds it took), pending hold,
#: paused, fed by Wonde, hours before NOW it was added)
FLEET: dict[str, tuple[list[tuple[str, float, float]], bool, bool, bool, float]] = {
    "Ashby Primary": ([("success", 10, 30)], False, False, True, 500),
    "Birchwood Academy": ([("success", 60, 40), ("failed", 8, 2)], False, False, True, 500),
    "Cedar Park School": ([("needs_approval", 9, 50)], True, False, True, 500),
    "Damson Lane Primary": ([("success", 50, 20)], False, False, True, 500),
    "Elmhurst College": ([("success", 80, 20)], False, True, True, 500),
    "Firs Infant School": ([], False, False, False, 500),
    "Gorse Hill Primary": ([], False, False, True, 2),
}
#: what fleet health must say of FLEET
EXPECTED = {
    "failing": ["Birchwood Academy"],
    "needs_approval": ["Cedar Park School"],
    "overdue": ["Birchwood Academy", "Damson Lane Primary"],
    "paused": ["Elmhurst College"],
}


def seed_fleet(engine: sa.Engine, now: dt.datetime = NOW) -> dict[str, str]:
    """Write FLEET as it stands at `now`; returns each school's key by name."""
    keys: dict[str, str] = {}
    secret = Fernet.generate_key()
    for name, (runs, held, paused, wonde, age) in FLEET.items():
        with engine.begin() as conn:
            school = school_store.add_school(
                conn, name=name, now=now - age * HOUR, secret_key=secret,
                wonde_school_id=f"A{len(keys) + 100}" if wonde else None,
                token="t" if wonde else None,
            )  # fmt: skip
            keys[name] = school.key
            if paused:  # the setting the scheduler reads (`school settings KEY --paused`)
                values = {**SchoolSettings().to_json(), "paused": True}
                conn.execute(
                    sa.update(schools).where(schools.c.id == school.id).values(settings=values)
                )
            for status, hours_ago, took in runs:
                finished = now - hours_ago * HOUR
                run_id = conn.execute(
                    sa.insert(sync_runs)
                    .values(
                        school_id=school.id, trigger="scheduled", source="wonde", mode="full",
                        status=status, started_at=finished - dt.timedelta(seconds=took),
                        finished_at=finished, counts={},
                    )
                    .returning(sync_runs.c.id)
                ).scalar_one()  # fmt: skip
            if held:
                conn.execute(
                    sa.insert(holds).values(
                        school_id=school.id, run_id=run_id, rule="pupil_leavers",
                        subject="12 pupils would leave", message="Over the limit",
                        losses={}, changes=[], fingerprint="f" * 64, status="pending",
                        created_at=now - 9 * HOUR,
                    )
                )  # fmt: skip
    return keys
