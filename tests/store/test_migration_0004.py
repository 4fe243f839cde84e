"""Migration 0004 on a store that already has runs and issues (SQLite and PostgreSQL): it keeps
them, opens the latest run's issues, and goes down and up again."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from schoolsync.store.database import alembic_config, make_engine
from tests.conftest import POSTGRES_ADMIN_URL

NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"schoolsync_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_keeps_runs_and_opens_the_latest_runs_issues(empty_url: str) -> None:
    engine = make_engine(empty_url)
    config = alembic_config(engine)
    command.upgrade(config, "0002")
    with engine.begin() as conn:  # a school with two runs, each with one issue, before 0004
        conn.execute(
            sa.text(
                "INSERT INTO schools (key, name, source_kind, connection_state, settings, "
                "created_at, timezone) VALUES ('sch_1', 'Larkfield', 'files', 'offline', '{}', "
                ":now, 'Europe/London')"
            ),
            {"now": NOW},
        )
        for run_id, source_id in ((1, "T1"), (2, "T2")):
            conn.execute(
                sa.text(
                    "INSERT INTO sync_runs (school_id, trigger, source, mode, status, started_at, "
                    "counts, issue_count) VALUES (1, 'file', 'ctf', 'file', 'issues_exist', :now, "
                    "'{}', 1)"
                ),
                {"now": NOW},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO issues (run_id, school_id, source_id, entity_type, entity_name, "
                    "mis_id, message, severity) VALUES (:run, 1, :source, 'Teacher', 'A B', '1', "
                    "'User is missing an email', 'error')"
                ),
                {"run": run_id, "source": source_id},
            )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        opened = conn.execute(sa.text("SELECT source_id, opened_run_id FROM open_issues")).all()
        runs = conn.execute(sa.text("SELECT count(*) FROM sync_runs")).scalar()
    assert [tuple(row) for row in opened] == [("T2", 2)]
    assert runs == 2
    command.downgrade(config, "0002")
    command.upgrade(config, "head")
    engine.dispose()
