"""Two Celery workers (real processes) on a real broker and PostgreSQL sync a fleet of sandbox
schools: every school once per night with no overlap, a school whose lock is held waits its
turn, a redelivered message does nothing, and a worker killed mid-run is recovered."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import signal
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.jobs.celery_app import make_celery, send_jobs
from schoolsync.sandbox import fleet, fleet_school_id, running_sandbox
from schoolsync.store import lock
from schoolsync.store.tables import schools, sync_runs
from tests.jobs.fleet_helpers import AMQP_URL, REDIS_URL, TOKEN, running_fleet, wait_for

pytestmark = pytest.mark.slow


def hold_lock(engine: sa.Engine, key: str) -> int:
    """This test process (alive) holds a school, as a person's sync would."""
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        school_id = conn.execute(sa.select(schools.c.id).where(schools.c.key == key)).scalar_one()
        run_id = conn.execute(
            sa.insert(sync_runs)
            .values(school_id=school_id, trigger="manual", source="wonde", mode="full",
                    status="running", started_at=now, counts={})
            .returning(sync_runs.c.id)
        ).scalar_one()  # fmt: skip
        conn.execute(
            sa.update(schools).where(schools.c.id == school_id)
            .values(lock_run_id=run_id, lock_taken_at=now, lock_renewed_at=now,
                    lock_owner=lock.this_process())
        )  # fmt: skip
    return int(run_id)


def test_two_workers_sync_fifty_schools_once_each_night(postgres_url: str, tmp_path: Path) -> None:
    box = fleet(50, seed=2, pupils=20, token=TOKEN)
    with (
        running_sandbox(box) as base_url,
        running_fleet(box, base_url, postgres_url, AMQP_URL, tmp_path) as ships,
    ):
        held_key = ships.keys[fleet_school_id(7)]
        holder = hold_lock(ships.engine, held_key)
        ships.start_worker("--concurrency", "2")
        ships.start_worker("--concurrency", "2")
        queued = json.loads(ships.schoolsync("scheduler", "--once", "--all", "--json").stdout)
        assert queued == {"queued": 50}

        # The held school waits (not failed), and runs once its lock is free.
        wait_for("the held school to wait", lambda: any(
            job.reason == "Another sync of this school was running" for job in ships.jobs()
        ))  # fmt: skip
        with ships.engine.begin() as conn:
            school = conn.execute(sa.select(schools.c.id).where(schools.c.key == held_key))
            lock.release_lock(conn, school.scalar_one(), holder)
            lock.end_interrupted(conn, holder, dt.datetime.now(dt.UTC), "released by the test")
        # The scheduler's next look sends it again, once it is due (a second later).
        wait_for("every job to be done", lambda: all(j.state == "done" for j in ships.jobs())
                 or not ships.schoolsync("scheduler", "--once"))  # fmt: skip

        runs = [run for run in ships.runs() if run.trigger == "scheduled"]
        assert Counter(run.school_id for run in runs) == Counter(range(1, 51))  # once each
        assert {run.status for run in runs} <= {"success", "success_with_warnings", "issues_exist"}
        assert not [run for run in ships.runs() if run.status == "failed"]
        assert len({job.worker for job in ships.jobs()}) == 2  # both workers took a share
        by_school: dict[int, list[sa.Row[tuple[object, ...]]]] = {}
        for run in ships.runs():
            by_school.setdefault(run.school_id, []).append(run)
        for school_runs in by_school.values():  # no two runs of a school overlap
            for earlier, later in itertools.pairwise(school_runs):
                assert earlier.finished_at is not None and earlier.finished_at <= later.started_at

        # The same night again queues nothing; a redelivered message runs nothing.
        again = json.loads(ships.schoolsync("scheduler", "--once", "--all", "--json").stdout)
        assert again == {"queued": 0}
        settings = Settings.from_env(ships.env)
        done = [(job.id, job.trigger) for job in ships.jobs()[:3]]
        before = ships.worker_log().count("'skipped'")
        send_jobs(make_celery(settings), settings, done)
        wait_for(
            "the redelivered jobs", lambda: ships.worker_log().count("'skipped'") >= before + 3
        )
        assert len([run for run in ships.runs() if run.trigger == "scheduled"]) == 50


@pytest.mark.parametrize("broker", ["rabbitmq", "redis"])
def test_a_worker_killed_mid_run_is_recovered(
    broker: str, postgres_url: str, tmp_path: Path
) -> None:
    box = fleet(4, seed=3, pupils=20, token=TOKEN)
    slow = fleet_school_id(0)
    box.faults.slow(ms=1500, count=10_000, path=slow)
    url = AMQP_URL if broker == "rabbitmq" else REDIS_URL
    with (
        running_sandbox(box) as base_url,
        running_fleet(box, base_url, postgres_url, url, tmp_path) as ships,
    ):
        first = ships.start_worker("--concurrency", "1")
        second = ships.start_worker("--concurrency", "1")
        ships.schoolsync("scheduler", "--once", "--all")
        slow_key = ships.keys[slow]

        def slow_job_running() -> bool:
            """The slow school's run has started (its job is claimed, its run reads)."""
            return any(
                run.status == "running" and _key_of_school(ships, run.school_id) == slow_key
                for run in ships.runs()
            )

        wait_for("the slow school's sync to start", slow_job_running)
        [job] = [j for j in ships.jobs() if _key(ships, j) == slow_key]
        victim = first if job.worker.endswith(f":{first.pid}") else second
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        box.faults.clear()

        # The sweep (which `scheduler` makes every tick) finds the dead worker at once. The
        # scheduler keeps ticking, as it does in a deployment: the killed worker's pool child
        # may still hold the school for a moment, and a job that found it busy is due again
        # at a later tick.
        def all_done_after_a_tick() -> bool:
            ships.schoolsync("scheduler", "--once")
            return all(j.state == "done" for j in ships.jobs())

        wait_for("every job to be done", all_done_after_a_tick)

        statuses = Counter(
            (_key_of_school(ships, run.school_id), run.status) for run in ships.runs()
        )
        assert statuses[(slow_key, "interrupted")] == 1
        assert sum(n for (key, status), n in statuses.items() if key == slow_key) == 2
        assert sum(statuses.values()) == 5  # the other three: once each
        [job] = [j for j in ships.jobs() if _key(ships, j) == slow_key]
        assert job.attempts == 2
        with ships.engine.connect() as conn:
            assert conn.execute(sa.select(schools.c.lock_run_id).where(
                schools.c.lock_run_id.is_not(None))).all() == []  # fmt: skip


def _key(ships: object, job: sa.Row[tuple[object, ...]]) -> str:
    return _key_of_school(ships, job.school_id)


def _key_of_school(ships: object, school_id: int) -> str:
    engine: sa.Engine = ships.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return str(conn.execute(sa.select(schools.c.key).where(schools.c.id == school_id)).scalar())
