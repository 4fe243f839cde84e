"""Commands started at once on a brand-new store migrate it one at a time (issue 7f).

Real processes, released at the same instant, against a fresh SQLite file and a fresh
PostgreSQL database: without the lock one of them fails ("table schools already exists", or a
duplicate `alembic_version` key).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from schoolsync.store.database import make_engine
from tests.conftest import POSTGRES_ADMIN_URL

PROCESSES = 3

#: Each process imports everything first, then waits for the agreed instant and migrates.
MIGRATE_AT = """
import sys, time
from schoolsync.store.database import make_engine, upgrade
engine = make_engine(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
upgrade(engine)
print("migrated")
"""


def migrate_at_once(url: str) -> list[subprocess.CompletedProcess[str]]:
    start = time.time() + 3.0  # time for every interpreter to start and import
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    running = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_AT, url, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(PROCESSES)
    ]
    done = []
    for process in running:
        out, err = process.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def assert_all_migrated(url: str, done: list[subprocess.CompletedProcess[str]]) -> None:
    for result in done:
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip() == "migrated"
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
            assert len(versions) == 1
            assert conn.execute(sa.text("SELECT count(*) FROM schools")).scalar() == 0
    finally:
        engine.dispose()


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    name = f"schoolsync_race_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_commands_at_once_on_a_new_sqlite_store_wait_for_each_other(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'schoolsync.db'}"
    assert_all_migrated(url, migrate_at_once(url))


def test_commands_at_once_on_a_new_postgres_database_wait_for_each_other(
    fresh_postgres_url: str,
) -> None:
    assert_all_migrated(fresh_postgres_url, migrate_at_once(fresh_postgres_url))
