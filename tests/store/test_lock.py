"""The per-school lock (SQLite and PostgreSQL): a refused attempt is no run at all, a dead run's
lock is taken over within minutes, a live one is renewed by its heartbeat, and a person can free
a school by hand."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.errors import ConfigError, SyncInProgress
from schoolsync.pipeline import SyncResult, sync_school
from schoolsync.store import lock
from schoolsync.store import schools as school_store
from schoolsync.store.tables import people, schools, sync_runs
from tests.builders import pupil, snapshot
from tests.conftest import Clock

MIS = snapshot(pupil("P1"), pupil("P2"))


@pytest.fixture
def school(engine: sa.Engine, clock: Clock) -> str:
    with engine.begin() as conn:
        return school_store.add_school(
            conn, name="Larkfield", now=clock(), secret_key=Fernet.generate_key()
        ).key


def hold_lock(engine: sa.Engine, renewed: dt.datetime, owner: str | None) -> int:
    """Another run (recorded as running) holds the school's lock."""
    with engine.begin() as conn:
        school_id = conn.execute(sa.select(schools.c.id)).scalar_one()
        run_id = conn.execute(
            sa.insert(sync_runs)
            .values(
                school_id=school_id,
                trigger="scheduled",
                source="wonde",
                mode="full",
                status="running",
                started_at=renewed,
                counts={},
            )
            .returning(sync_runs.c.id)
        ).scalar_one()
        conn.execute(
            sa.update(schools).values(
                lock_run_id=run_id, lock_taken_at=renewed, lock_renewed_at=renewed, lock_owner=owner
            )
        )
    return int(run_id)


def statuses(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(sync_runs.c.status).order_by(sync_runs.c.id)).scalars())


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_refused_attempt_is_not_a_run_and_sends_nothing(engine, school, clock) -> None:
    holder = hold_lock(engine, clock(), "worker-7:4242")
    alerts: list[SyncResult] = []
    with pytest.raises(SyncInProgress, match=f"run {holder}.*worker-7:4242.*schoolsync unlock"):
        sync_school(
            engine, school, lambda *_: MIS, now=clock, notify=lambda _s, r: alerts.append(r)
        )
    assert statuses(engine) == ["running"]  # only the run that holds it: no failed run
    assert alerts == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(people)).scalar() == 0


def test_a_lock_not_renewed_for_minutes_is_taken_over(engine, school, clock) -> None:
    hold_lock(engine, clock(), "worker-7:4242")  # another machine: only the lease can tell
    clock.advance(minutes=1)
    with pytest.raises(SyncInProgress):
        sync_school(engine, school, lambda *_: MIS, now=clock)
    clock.advance(minutes=2)  # three minutes without a heartbeat: that run is gone
    assert sync_school(engine, school, lambda *_: MIS, now=clock).status == "success"
    assert statuses(engine) == ["interrupted", "success"]


def test_a_lock_of_a_dead_process_on_this_machine_is_taken_over_at_once(
    engine, school, clock
) -> None:
    hold_lock(engine, clock(), f"{socket.gethostname()}:{a_dead_pid()}")
    assert sync_school(engine, school, lambda *_: MIS, now=clock).status == "success"
    assert statuses(engine) == ["interrupted", "success"]


def test_a_lock_of_a_live_process_on_this_machine_is_respected(engine, school, clock) -> None:
    hold_lock(engine, clock(), lock.this_process())
    with pytest.raises(SyncInProgress):
        sync_school(engine, school, lambda *_: MIS, now=clock)


def test_a_running_sync_renews_its_lease(engine, school, clock) -> None:
    renewed: list[Any] = []

    def slow_mis(*_: Any) -> Any:
        clock.advance(minutes=5)  # a long read...
        beat = threading.Event()
        for _ in range(200):  # ...during which the heartbeat renews the lease
            with engine.connect() as conn:
                seen = school_store.as_utc(
                    conn.execute(sa.select(schools.c.lock_renewed_at)).scalar()
                )
            if seen == clock():
                renewed.append(seen)
                break
            beat.wait(0.02)
        return MIS

    result = sync_school(engine, school, slow_mis, now=clock, heartbeat_every=0.02)
    assert result.status == "success"
    assert renewed, "the lease was never renewed while the run read its source"
    with engine.connect() as conn:  # and released at the end
        assert conn.execute(sa.select(schools.c.lock_run_id)).scalar() is None


def test_an_interrupted_run_is_recorded_and_frees_the_school(engine, school, clock) -> None:
    def interrupted(*_: Any) -> Any:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_school(engine, school, interrupted, now=clock)
    assert statuses(engine) == ["interrupted"]
    assert sync_school(engine, school, lambda *_: MIS, now=clock).status == "success"


def test_unlock_frees_a_dead_runs_school(engine, school, clock) -> None:
    holder = hold_lock(engine, clock(), "worker-7:4242")
    with engine.begin() as conn:
        record = school_store.get_school(conn, school)
        with pytest.raises(ConfigError, match="--force"):
            lock.unlock(conn, record, clock())  # it renewed just now: it looks alive
        freed = lock.unlock(conn, record, clock(), force=True)
        assert freed is not None and freed.run_id == holder
        assert lock.unlock(conn, record, clock()) is None  # nothing left to free
    assert statuses(engine) == ["interrupted"]
    assert sync_school(engine, school, lambda *_: MIS, now=clock).status == "success"


def test_two_syncs_at_once_one_runs_and_the_other_leaves_no_trace(engine, school, clock) -> None:
    reading = threading.Event()
    release = threading.Event()

    def slow_mis(*_: Any) -> Any:
        reading.set()
        release.wait(10)
        return MIS

    outcome: list[SyncResult] = []
    first = threading.Thread(
        target=lambda: outcome.append(sync_school(engine, school, slow_mis, now=clock))
    )
    first.start()
    assert reading.wait(10)
    try:
        with pytest.raises(SyncInProgress):
            sync_school(engine, school, lambda *_: MIS, now=clock)
    finally:
        release.set()
        first.join(10)
    assert [r.status for r in outcome] == ["success"]
    assert statuses(engine) == ["success"]
