"""Pupils' photos follow every sync that read the MIS, whatever started it: a person's sync from
the CLI, a job on the embedded runner (the web app's Start sync, the nightly autosync) and a
worker's job; at most weekly. Against the sandbox over real HTTP, on SQLite and PostgreSQL."""

# ruff: noqa: F811  (the fixtures imported from test_sync_wonde are parameters here)
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.jobs.pace import paced_photos_reader
from schoolsync.jobs.run import JobOutcome, run_sync_job
from schoolsync.jobs.runner import EmbeddedRunner
from schoolsync.services.schools import update_settings
from schoolsync.services.sources import mis_reader
from schoolsync.services.syncing import run_sync
from schoolsync.store import photos as photo_store
from schoolsync.store.context_tables import pupil_photos
from schoolsync.store.schools import get_school
from schoolsync.store.tables import people
from tests.engine.test_sync_wonde import school, served  # noqa: F401

START = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)

#: One sync of the school at `now`, as each way of starting one does it; the run's status.
Start = Callable[[sa.Engine, Settings, str, dt.datetime], str]


def from_the_cli(engine: sa.Engine, settings: Settings, key: str, now: dt.datetime) -> str:
    return run_sync(engine, settings, key).result.status


def on_the_runner(engine: sa.Engine, settings: Settings, key: str, now: dt.datetime) -> str:
    """As `schoolsync serve` builds its runner; the web app's Start sync submits the same way."""
    ended = threading.Event()
    outcomes: list[JobOutcome | None] = []

    def done(outcome: JobOutcome | None, error: BaseException | None) -> None:
        outcomes.append(outcome)
        ended.set()

    runner = EmbeddedRunner(
        engine, lambda: mis_reader(settings), workers=1, schedule=False,
        clock=lambda: now, photos=paced_photos_reader(settings),
    )  # fmt: skip
    runner.submit(key, "manual", done=done)
    try:
        assert ended.wait(120), "the runner never finished the job"
    finally:
        runner.stop()
    [outcome] = outcomes
    assert outcome is not None and outcome.status is not None
    return outcome.status


def by_a_worker(engine: sa.Engine, settings: Settings, key: str, now: dt.datetime) -> str:
    """A scheduled job, read and paced as a Celery worker's is."""
    outcome = run_sync_job(settings, key, "scheduled", engine=engine, now=lambda: now)
    assert outcome.status is not None
    return outcome.status


def stored_photos(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(pupil_photos)).scalar_one())


def fetched_at(engine: sa.Engine, key: str) -> dt.datetime | None:
    with engine.connect() as conn:
        return photo_store.photos_fetched_at(conn, get_school(conn, key).id)


@pytest.mark.slow
@pytest.mark.parametrize("start", [from_the_cli, on_the_runner, by_a_worker])
def test_every_way_of_syncing_brings_the_pupils_photos_at_most_weekly(
    engine, settings, served, school, start: Start
) -> None:
    status = start(engine, settings, school, START)
    assert status in ("success", "success_with_warnings")
    with engine.connect() as conn:
        pupils = conn.execute(
            sa.select(sa.func.count()).select_from(people).where(people.c.role == "student")
        ).scalar_one()
    assert pupils > 0 and stored_photos(engine) == pupils
    first = fetched_at(engine, school)
    assert first is not None
    if start is from_the_cli:
        return  # the CLI reads the real clock: the week is shown by the jobs' injected one
    # Wonde refreshes photos weekly: a sync sooner leaves them as they were read.
    start(engine, settings, school, START + dt.timedelta(days=3))
    assert fetched_at(engine, school) == first
    start(engine, settings, school, START + dt.timedelta(days=8))
    assert fetched_at(engine, school) == START + dt.timedelta(days=8)


@pytest.mark.slow
def test_a_school_that_turned_photos_off_gets_none_from_its_jobs(
    engine, settings, served, school
) -> None:
    update_settings(engine, school, {"sync_photos": False})
    assert by_a_worker(engine, settings, school, START) in ("success", "success_with_warnings")
    assert stored_photos(engine) == 0 and fetched_at(engine, school) is None
