"""Migration 0009 (first connection): it builds what tables.py declares, and it goes down and
up again cleanly (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from schoolsync.store.database import alembic_config, upgrade
from schoolsync.store.tables import metadata

NEW_TABLES = {"first_connections", "class_choices", "pupil_resolutions", "login_credentials"}


def differences(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    return [
        repr(diff) for diff in diffs if any(n in repr(diff) for n in NEW_TABLES | {"external_id"})
    ]


def test_migration_matches_the_tables_and_goes_down_and_up(engine: sa.Engine) -> None:
    assert differences(engine) == []
    command.downgrade(alembic_config(engine), "0007")
    assert not NEW_TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= NEW_TABLES
    assert differences(engine) == []
