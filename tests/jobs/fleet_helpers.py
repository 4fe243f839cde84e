"""A fleet of sandbox schools synced by real Celery workers (subprocesses) over a real broker
and PostgreSQL: what the distributed tests share."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.sandbox import Sandbox, fleet_ids
from schoolsync.store import schools as school_store
from schoolsync.store.database import make_engine
from schoolsync.store.tables import metadata, sync_jobs, sync_runs

AMQP_URL = os.environ.get("SCHOOLSYNC_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
REDIS_URL = os.environ.get("SCHOOLSYNC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TOKEN = "fleet-token"


@dataclass
class Fleet:
    env: dict[str, str]
    engine: sa.Engine
    box: Sandbox
    #: sandbox school id -> schoolsync key
    keys: dict[str, str]
    logs: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def schoolsync(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "schoolsync", *args],
            env=self.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result

    def start_worker(self, *options: str) -> subprocess.Popen[bytes]:
        log = self.logs / f"worker-{len(self.workers) + 1}.log"
        with log.open("wb") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "schoolsync", "worker", "--pool", "threads", *options],
                env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.workers.append(worker)
        wait_for(f"worker {len(self.workers)} to be ready", lambda: b" ready." in log.read_bytes())
        return worker

    def worker_log(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))

    def jobs(self) -> list[sa.Row[tuple[object, ...]]]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(sync_jobs).order_by(sync_jobs.c.id)))

    def runs(self) -> list[sa.Row[tuple[object, ...]]]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(sync_runs).order_by(sync_runs.c.id)))


def wait_for(what: str, check: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds:g} s")


def empty(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@contextmanager
def running_fleet(
    box: Sandbox, base_url: str, database_url: str, broker_url: str, logs: Path
) -> Iterator[Fleet]:
    """The sandbox's schools added to an empty store, and the settings of their workers (a
    queue of their own: other tests may share the broker)."""
    empty(database_url)
    secret = Fernet.generate_key()
    engine = make_engine(database_url)
    keys = {}
    with engine.begin() as conn:
        for school_id in fleet_ids(box):
            keys[school_id] = school_store.add_school(
                conn, name=box.schools[school_id].name, now=dt.datetime.now(dt.UTC),
                secret_key=secret, wonde_school_id=school_id, api_base_url=base_url, token=TOKEN,
            ).key  # fmt: skip
    env = {
        **os.environ,
        "SCHOOLSYNC_HOME": str(logs / "home"),
        "SCHOOLSYNC_DATABASE_URL": database_url,
        "SCHOOLSYNC_SECRET_KEY": secret.decode(),
        "SCHOOLSYNC_BROKER_URL": broker_url,
        "SCHOOLSYNC_QUEUE": f"test-{uuid.uuid4().hex[:10]}",
        "SCHOOLSYNC_BUSY_RETRY": "1",
        "SCHOOLSYNC_LOG_LEVEL": "INFO",
        "SCHOOLSYNC_WONDE_MAX_ATTEMPTS": "3",
    }
    fleet = Fleet(env, engine, box, keys, logs)
    try:
        yield fleet
    finally:
        for worker in fleet.workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in fleet.workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        engine.dispose()
        empty(database_url)
