"""Ctrl-C during `schoolsync sync`, and `schoolsync unlock`: a real process, a real sandbox over
HTTP slowed down so that the sync is surely mid-read, a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from schoolsync.sandbox import Sandbox, running_sandbox
from schoolsync.store.tables import schools, sync_runs
from tests.cli.conftest import TOKEN, add_school, schoolsync


def statuses(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(sync_runs.c.status).order_by(sync_runs.c.id)).scalars())


def lock_of(engine: sa.Engine) -> int | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(schools.c.lock_run_id)).scalar()


def test_ctrl_c_ends_the_run_interrupted_and_frees_the_school(env, engine) -> None:
    box = Sandbox.demo(seed=3, pupils=60, token=TOKEN)
    with running_sandbox(box) as base_url:
        key = add_school(env, base_url)
        # Every request takes 3 s: whenever the signal comes, the sync is waiting on the MIS.
        box.faults.slow(ms=3000, count=1000)
        process = subprocess.Popen(
            [sys.executable, "-m", "schoolsync", "sync", key, "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while statuses(engine) != ["running"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert lock_of(engine) is not None, "the sync never started"
        time.sleep(0.5)  # well inside the slowed read of the pupils
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)

        assert process.returncode == 130, stderr
        assert "Interrupted" in stderr
        assert "Traceback" not in stderr and stdout == ""
        assert statuses(engine) == ["interrupted"]
        assert lock_of(engine) is None
        history = schoolsync(env, "history", key).stdout
        assert "Interrupted" in history

        box.faults.clear()
        again = json.loads(schoolsync(env, "sync", key, "--json").stdout)
        assert again["status"] != "failed"
        assert again["counts"]["student"]["create"] == 60


def test_unlock_frees_a_school_by_hand(env, engine) -> None:
    key = schoolsync(env, "school", "add", "--name", "Larkfield").stdout.split()[-1]
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:  # a sync on another machine holds the school
        run_id = conn.execute(
            sa.insert(sync_runs)
            .values(
                school_id=sa.select(schools.c.id).scalar_subquery(),
                trigger="scheduled",
                source="wonde",
                mode="full",
                status="running",
                started_at=now,
                counts={},
            )
            .returning(sync_runs.c.id)
        ).scalar_one()
        conn.execute(
            sa.update(schools).values(
                lock_run_id=run_id, lock_taken_at=now, lock_renewed_at=now, lock_owner="w7:42"
            )
        )
    refused = schoolsync(env, "sync", key, check=False)
    assert "already being synced" in refused.stderr and "schoolsync unlock" in refused.stderr
    assert statuses(engine) == ["running"]  # the refused attempt is not a run

    looks_alive = schoolsync(env, "unlock", key, check=False)
    assert looks_alive.returncode == 2 and "--force" in looks_alive.stderr
    assert lock_of(engine) == run_id

    freed = schoolsync(env, "unlock", key, "--force")
    assert f"run {run_id}" in freed.stdout
    assert lock_of(engine) is None
    assert statuses(engine) == ["interrupted"]
    assert "was not locked" in schoolsync(env, "unlock", key).stdout
