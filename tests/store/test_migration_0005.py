"""Migration 0005 (accounts, sessions, API tokens): it builds what tables.py declares, and it
goes down and up again cleanly (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from schoolsync.store.database import alembic_config, upgrade
from schoolsync.store.tables import metadata

ACCOUNT_TABLES = {"users", "web_sessions", "api_tokens", "login_failures"}
NEW_INDEXES = {"ix_schools_name_id", "ix_sync_runs_school_latest"}


def differences(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    found = []
    for diff in diffs:
        text = repr(diff)
        if any(name in text for name in ACCOUNT_TABLES | NEW_INDEXES):
            found.append(text)
    return found


def test_migration_matches_the_tables_and_goes_down_and_up(engine: sa.Engine) -> None:
    assert differences(engine) == []
    command.downgrade(alembic_config(engine), "0004")
    assert not ACCOUNT_TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= ACCOUNT_TABLES
    assert differences(engine) == []
