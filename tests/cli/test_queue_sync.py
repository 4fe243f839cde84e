"""`schoolsync sync KEY --queue`: a person asks for a sync now; it is queued as expedited, ahead
of the scheduled ones, asking again while it waits gives the same job, and a school that cannot
sync is told why with nothing queued."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from schoolsync.cli.exit_codes import ExitCode
from schoolsync.store import queue
from schoolsync.store.database import make_engine
from schoolsync.store.schools import get_school
from schoolsync.store.tables import schools, sync_jobs

from .conftest import schoolsync

EARLIER = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)


def _school(env: dict[str, str]) -> str:
    return schoolsync(env, "school", "add", "--name", "Larkfield Academy").stdout.split()[-1]


def _jobs(database_url: str) -> list[tuple[int, str, str]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(sync_jobs.c.id, sync_jobs.c.trigger, sync_jobs.c.state).order_by(
                    sync_jobs.c.id
                )
            )
            return [(int(i), str(t), str(s)) for i, t, s in rows]
    finally:
        engine.dispose()


def test_a_queued_sync_goes_before_the_scheduled_ones_and_is_queued_once(
    env: dict[str, str], database_url: str
) -> None:
    key = _school(env)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        school_id = get_school(conn, key).id
        queue.add_jobs(conn, [queue.NewJob(school_id, "night:1", EARLIER)], EARLIER)
    engine.dispose()

    first = json.loads(schoolsync(env, "sync", key, "--queue", "--json").stdout)
    assert first["status"] == "queued" and first["trigger"] == "expedited"
    assert first["already_queued"] is False
    again = json.loads(schoolsync(env, "sync", key, "--queue", "--json").stdout)
    assert again["job_id"] == first["job_id"] and again["already_queued"] is True
    said = schoolsync(env, "sync", key, "--queue").stdout
    assert f"Sync job {first['job_id']} was already queued" in " ".join(said.split())

    assert [t for _i, t, _s in _jobs(database_url)] == ["scheduled", "expedited"]
    engine = make_engine(database_url)
    with engine.connect() as conn:
        taken = queue.next_queued(conn, dt.datetime.now(dt.UTC))
    engine.dispose()
    assert taken is not None and taken.id == first["job_id"]  # ahead of the earlier night


def test_a_school_waiting_for_approval_is_told_why_and_nothing_is_queued(
    env: dict[str, str], database_url: str
) -> None:
    key = _school(env)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.update(schools)
            .where(schools.c.key == key)
            .values(source_kind="wonde", connection_state="pending")
        )
    engine.dispose()
    skipped = schoolsync(env, "sync", key, "--queue", "--json")
    assert json.loads(skipped.stdout)["status"] == "skipped"
    assert "has not approved the app" in json.loads(skipped.stdout)["message"]
    assert _jobs(database_url) == []

    usage = schoolsync(env, "sync", key, "--queue", "--manual", check=False)
    assert usage.returncode == ExitCode.USAGE
