"""Migration 0006 on a store with staff lists imported under the old spelling (SQLite and
PostgreSQL): their runs read `staff_csv`, like the imports made since."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command

from schoolsync.store.database import alembic_config, make_engine
from tests.store.test_migration_0004 import empty_url  # noqa: F401  (the fixture)

NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


def test_old_staff_list_imports_read_in_the_one_spelling(empty_url: str) -> None:  # noqa: F811
    engine = make_engine(empty_url)
    config = alembic_config(engine)
    command.upgrade(config, "0005")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO schools (key, name, source_kind, connection_state, settings, "
                "created_at, timezone) VALUES ('sch_1', 'Larkfield', 'files', 'offline', '{}', "
                ":now, 'Europe/London')"
            ),
            {"now": NOW},
        )
        for source in ("staff-csv", "ctf", "wonde"):
            conn.execute(
                sa.text(
                    "INSERT INTO sync_runs (school_id, trigger, source, mode, status, started_at, "
                    "counts, issue_count) VALUES (1, 'file', :source, 'file', 'success', :now, "
                    "'{}', 0)"
                ),
                {"source": source, "now": NOW},
            )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        sources = conn.execute(sa.text("SELECT source FROM sync_runs ORDER BY id")).scalars()
        assert list(sources) == ["staff_csv", "ctf", "wonde"]
    command.downgrade(config, "0005")
    command.upgrade(config, "head")
    engine.dispose()
