"""`schoolsync serve` stopping: its runner says how many syncs are under way, and when a person
will not wait for them (a second Ctrl-C) their runs end as interrupted, their schools are free
and their jobs are queued again. SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from schoolsync.errors import SourceUnavailable
from schoolsync.jobs.runner import EmbeddedRunner
from schoolsync.store import queue
from schoolsync.store.tables import schools, sync_jobs
from tests.jobs.test_jobs import LATE_IN_THE_NIGHT, add, run_statuses


def test_the_syncs_under_way_can_be_ended_as_interrupted_and_queued_again(engine) -> None:
    key = add(engine, "Larkfield")
    reading, go_on = threading.Event(), threading.Event()

    def slow_read(*_: object) -> object:
        reading.set()
        go_on.wait(60)
        raise SourceUnavailable("the process stopped")  # nothing of it may be applied

    runner = EmbeddedRunner(
        engine, lambda: slow_read, workers=1, schedule=False, clock=lambda: LATE_IN_THE_NIGHT
    )  # type: ignore[arg-type]
    assert runner.running() == 0
    job_id = runner.submit(key)
    try:
        assert reading.wait(60), "the sync never started"
        assert runner.running() == 1  # its thread counts the job before it reads
        assert runner.interrupt_running() == 1
        assert run_statuses(engine) == ["interrupted"]
        with engine.connect() as conn:
            assert conn.execute(sa.select(schools.c.lock_run_id)).scalar() is None
            job = queue.get_job(conn, job_id)
            assert conn.execute(sa.select(sa.func.count()).select_from(sync_jobs)).scalar() == 1
        assert job is not None and job.state == "queued" and "stopped" in (job.reason or "")
    finally:
        go_on.set()
        runner.stop()
