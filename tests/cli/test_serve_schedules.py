"""`schoolsync serve` syncs schools by itself: a real process with its scheduler and worker
threads, a sandbox over HTTP, SQLite. A school whose nightly window contains "now" is synced
without anyone asking; a sync whose process is killed (kill -9) is ended as interrupted, its
school freed and synced again by the next `serve`, without anyone's help."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from schoolsync.sandbox import Sandbox, running_sandbox
from schoolsync.store.database import make_engine
from schoolsync.store.tables import schools, sync_jobs, sync_runs
from tests.cli.conftest import TOKEN, add_school, schoolsync
from tests.cli.test_serve_command import free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SCHOOLSYNC_HOME": str(tmp_path / "home"),
        "SCHOOLSYNC_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "SCHOOLSYNC_SCHEDULER_EVERY": "1",
        "COLUMNS": "200",
    }


def window_around_now() -> str:
    """A nightly window that has just begun and ends soon (London time): its slot is due."""
    from zoneinfo import ZoneInfo

    local = dt.datetime.now(ZoneInfo("Europe/London"))
    start, end = local - dt.timedelta(minutes=2), local - dt.timedelta(minutes=1)
    return f"{start:%H:%M}-{end:%H:%M}"


@contextmanager
def serving(env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    server = subprocess.Popen(
        [sys.executable, "-m", "schoolsync", "serve", "--port", str(free_port())],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        yield server
    finally:
        if server.poll() is None:
            server.terminate()
        server.communicate(timeout=30)


def wait_for(what: str, check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds:g} s")


def runs(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(sync_runs.c.trigger, sync_runs.c.status).order_by(sync_runs.c.id)
        )
        return [(trigger, status) for trigger, status in rows]


def locked(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(schools.c.lock_run_id)).scalar() is not None


def test_serve_syncs_a_school_in_its_window_by_itself(sqlite_env) -> None:
    engine = make_engine(sqlite_env["SCHOOLSYNC_DATABASE_URL"])
    box = Sandbox.demo(seed=5, pupils=40, token=TOKEN)
    with running_sandbox(box) as base_url:
        key = add_school(sqlite_env, base_url)
        schoolsync(sqlite_env, "school", "settings", key, "--sync-window", window_around_now())
        with serving(sqlite_env):
            wait_for("the scheduled sync", lambda: runs(engine) == [("scheduled", "success")])
        shown = schoolsync(sqlite_env, "schedule").stdout
    assert "Nightly autosync" in shown and key in shown
    with engine.connect() as conn:
        assert conn.execute(sa.select(sync_jobs.c.state)).scalars().all() == ["done"]
    engine.dispose()


def test_a_killed_sync_is_interrupted_freed_and_synced_again_by_itself(sqlite_env) -> None:
    engine = make_engine(sqlite_env["SCHOOLSYNC_DATABASE_URL"])
    box = Sandbox.demo(seed=6, pupils=40, token=TOKEN)
    with running_sandbox(box) as base_url:
        key = add_school(sqlite_env, base_url)
        # A person's sync killed with SIGKILL mid-read: nothing of it can clean up.
        box.faults.slow(ms=2000, count=1000)
        sync = subprocess.Popen(
            [sys.executable, "-m", "schoolsync", "sync", key], env=sqlite_env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for("the sync to start", lambda: runs(engine) == [("manual", "running")])
        sync.send_signal(signal.SIGKILL)
        sync.wait(timeout=10)
        assert locked(engine)

        # Then `serve` with the school's night due: its scheduled sync is killed too.
        schoolsync(sqlite_env, "school", "settings", key, "--sync-window", window_around_now())
        with serving(sqlite_env) as server:
            wait_for(
                "the sweep and the scheduled sync",
                lambda: runs(engine) == [("manual", "interrupted"), ("scheduled", "running")],
            )
            server.send_signal(signal.SIGKILL)
        box.faults.clear()

        # The next `serve` ends that run, frees the school and runs the night's job again.
        with serving(sqlite_env):
            wait_for(
                "the night's sync after recovery",
                lambda: (
                    runs(engine)[1:] == [("scheduled", "interrupted"), ("scheduled", "success")]
                ),
            )
    assert not locked(engine)
    history = schoolsync(sqlite_env, "history", key).stdout
    assert "Interrupted" in history
    engine.dispose()
