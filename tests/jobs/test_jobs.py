"""The job code shared by the embedded runner and the Celery workers, on SQLite and PostgreSQL:
each night is queued once, a redelivered job does nothing, a busy school is not a failed run,
and a run whose process died is found and put right by the sweep."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.config import Settings
from schoolsync.jobs.planner import plan_all, plan_due
from schoolsync.jobs.recovery import recover
from schoolsync.jobs.run import run_sync_job
from schoolsync.school_settings import SchoolSettings
from schoolsync.store import lock, queue
from schoolsync.store import schools as school_store
from schoolsync.store.tables import schools, sync_jobs, sync_runs
from tests.builders import pupil, snapshot
from tests.conftest import Clock

MIS = snapshot(pupil("P1"), pupil("P2"))
#: 04:59 in London in December: every school's nightly slot (01:00-05:00) has come.
#: The last instant of the nightly window: every school's slot (spread by its random key) is due.
LATE_IN_THE_NIGHT = dt.datetime(2026, 12, 9, 4, 59, 59, 999999, tzinfo=dt.UTC)


def read(*_: object) -> object:
    return MIS


@pytest.fixture
def job_settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(database_url=database_url, home=tmp_path, secret_key=Fernet.generate_key())


def add(engine: sa.Engine, name: str, **settings: object) -> str:
    with engine.begin() as conn:
        return school_store.add_school(
            conn,
            name=name,
            now=LATE_IN_THE_NIGHT - dt.timedelta(days=2),
            secret_key=Fernet.generate_key(),
            wonde_school_id=f"A{abs(hash(name)) % 10**9}",
            token="t",
            settings=SchoolSettings(**settings),  # type: ignore[arg-type]
        ).key


def jobs(engine: sa.Engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(sync_jobs.c.slot, sync_jobs.c.state, sync_jobs.c.reason).order_by(
                sync_jobs.c.id
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def run_statuses(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(sync_runs.c.status).order_by(sync_runs.c.id)).scalars())


def test_each_night_is_queued_once_however_often_the_scheduler_looks(engine) -> None:
    add(engine, "Larkfield")
    first = plan_due(engine, LATE_IN_THE_NIGHT)
    again = plan_due(engine, LATE_IN_THE_NIGHT + dt.timedelta(seconds=30))
    also_all = plan_all(engine, LATE_IN_THE_NIGHT + dt.timedelta(minutes=1))
    assert len(first) == 1 and again == [] and also_all == []
    assert jobs(engine) == [("night:2026-12-09", "queued", None)]


def test_paused_and_offline_schools_are_skipped_with_the_reason(engine) -> None:
    add(engine, "Paused Primary", paused=True)
    with engine.begin() as conn:
        school_store.add_school(
            conn, name="Files Only", now=LATE_IN_THE_NIGHT, secret_key=Fernet.generate_key()
        )
    assert plan_all(engine, LATE_IN_THE_NIGHT) == []
    reasons = {reason for _slot, state, reason in jobs(engine) if state == "skipped"}
    assert reasons == {
        "Paused: autosync is off for this school",
        "Not connected to Wonde (the school imports files)",
    }


def test_a_redelivered_job_whose_run_is_done_does_nothing(engine, job_settings) -> None:
    key = add(engine, "Larkfield")
    [job_id] = plan_due(engine, LATE_IN_THE_NIGHT)
    done = run_sync_job(job_settings, key, job_id=job_id, engine=engine, read=read)
    again = run_sync_job(job_settings, key, job_id=job_id, engine=engine, read=read)
    assert (done.what, done.status) == ("ran", "success")
    assert again.what == "skipped"
    assert run_statuses(engine) == ["success"]
    assert jobs(engine) == [("night:2026-12-09", "done", "success")]


def hold_lock(engine: sa.Engine, owner: str, renewed: dt.datetime) -> int:
    """Another sync (recorded as running) holds the only school."""
    with engine.begin() as conn:
        school_id = conn.execute(sa.select(schools.c.id)).scalar_one()
        run_id = conn.execute(
            sa.insert(sync_runs)
            .values(school_id=school_id, trigger="manual", source="wonde", mode="full",
                    status="running", started_at=renewed, counts={})
            .returning(sync_runs.c.id)
        ).scalar_one()  # fmt: skip
        conn.execute(
            sa.update(schools).values(lock_run_id=run_id, lock_taken_at=renewed,
                                      lock_renewed_at=renewed, lock_owner=owner)
        )  # fmt: skip
    return int(run_id)


def test_a_school_busy_with_another_sync_is_not_a_failed_run(engine, job_settings) -> None:
    key = add(engine, "Larkfield")
    hold_lock(engine, lock.this_process(), LATE_IN_THE_NIGHT)
    [job_id] = plan_due(engine, LATE_IN_THE_NIGHT)
    outcome = run_sync_job(
        job_settings, key, job_id=job_id, engine=engine, read=read, now=lambda: LATE_IN_THE_NIGHT
    )
    assert outcome.what == "busy" and outcome.retry_at == LATE_IN_THE_NIGHT + dt.timedelta(
        minutes=1
    )
    assert run_statuses(engine) == ["running"]  # only the holder's: no failed run
    assert jobs(engine) == [
        ("night:2026-12-09", "queued", "Another sync of this school was running")
    ]

    person = run_sync_job(job_settings, key, "manual", engine=engine, read=read)
    assert person.what == "busy" and "already being synced" in (person.message or "")


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_sweep_ends_a_dead_run_frees_its_school_and_queues_its_job_again(engine) -> None:
    add(engine, "Larkfield")
    [job_id] = plan_due(engine, LATE_IN_THE_NIGHT)
    dead = f"{socket.gethostname()}:{a_dead_pid()}"
    run_id = hold_lock(engine, dead, LATE_IN_THE_NIGHT)
    with engine.begin() as conn:
        conn.execute(sa.update(sync_jobs).values(state="running", worker=dead,
                                                 started_at=LATE_IN_THE_NIGHT))  # fmt: skip
    requeued = recover(engine, LATE_IN_THE_NIGHT + dt.timedelta(seconds=5))
    assert requeued == [job_id]
    assert run_statuses(engine) == ["interrupted"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(schools.c.lock_run_id)).scalar() is None
        message = conn.execute(sa.select(sync_runs.c.message).where(sync_runs.c.id == run_id))
        assert "stopped without finishing" in (message.scalar() or "")
        job = queue.get_job(conn, job_id)
    assert job is not None and job.state == "queued" and "stopped" in (job.reason or "")


def test_on_another_machine_only_the_lease_tells_a_run_is_gone(engine) -> None:
    add(engine, "Larkfield")
    hold_lock(engine, "worker-7:4242", LATE_IN_THE_NIGHT)
    clock = Clock(LATE_IN_THE_NIGHT + dt.timedelta(minutes=1))
    recover(engine, clock())
    assert run_statuses(engine) == ["running"]  # renewed a minute ago: alive
    recover(engine, clock.advance(minutes=2))
    assert run_statuses(engine) == ["interrupted"]


def test_manual_and_expedited_jobs_are_taken_before_the_nights(engine) -> None:
    for n in range(3):
        add(engine, f"School {n}")
    plan_due(engine, LATE_IN_THE_NIGHT)
    with engine.begin() as conn:
        school_id = conn.execute(sa.select(sa.func.max(schools.c.id))).scalar_one()
        later = LATE_IN_THE_NIGHT + dt.timedelta(minutes=5)
        queue.request_job(conn, school_id, "manual", later)
        nxt = queue.next_queued(conn, later)
    assert nxt is not None and nxt.trigger == "manual"


def test_a_school_its_term_dates_pause_is_skipped_with_their_reason(engine) -> None:
    add(engine, "Larkfield")
    with engine.begin() as conn:  # synced last year, and no term dates entered since
        school_id = conn.execute(sa.select(schools.c.id)).scalar_one()
        conn.execute(
            sa.insert(sync_runs).values(school_id=school_id, trigger="scheduled", source="wonde",
                mode="full", status="success", started_at=dt.datetime(2025, 10, 1, tzinfo=dt.UTC),
                counts={})
        )  # fmt: skip
    assert plan_due(engine, LATE_IN_THE_NIGHT) == []
    [(slot, state, reason)] = jobs(engine)
    assert (slot, state) == ("night:2026-12-09", "skipped")
    assert "Syncing is paused: this school has no term dates" in (reason or "")
