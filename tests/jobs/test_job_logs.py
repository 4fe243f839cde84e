"""A queued job's log records name the job, its run and its school, whichever runner ran it."""

from __future__ import annotations

import io
import json
import logging

import sqlalchemy as sa

from schoolsync.jobs.planner import plan_due
from schoolsync.jobs.run import run_sync_job
from schoolsync.logs import configure_logging
from tests.jobs.test_jobs import LATE_IN_THE_NIGHT, add, job_settings, read

__all__ = ["job_settings"]  # the shared fixture


def test_the_records_of_a_job_carry_its_job_run_and_school(engine: sa.Engine, job_settings) -> None:
    key = add(engine, "Larkfield")
    [job_id] = plan_due(engine, LATE_IN_THE_NIGHT)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    captured = io.StringIO()
    try:
        configure_logging("INFO", captured)
        outcome = run_sync_job(job_settings, key, job_id=job_id, engine=engine, read=read)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    records = [json.loads(line) for line in captured.getvalue().splitlines()]
    finished = [r for r in records if r.get("status") == "success"]
    assert finished, records
    assert {(r["job_id"], r["run_id"], r["school_key"]) for r in finished} == {
        (job_id, outcome.run_id, key)
    }
    assert all(r.get("job_id") == job_id for r in records if r["logger"].startswith("schoolsync"))
