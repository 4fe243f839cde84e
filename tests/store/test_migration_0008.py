"""Migration 0008 on a store with schools and people (SQLite and PostgreSQL): a school that had
its staff import switched off keeps its teachers switched off too (they were one toggle), and
people and schools keep their rows."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import command

from schoolsync.school_settings import SchoolSettings
from schoolsync.store.database import alembic_config, make_engine
from tests.store.test_migration_0004 import empty_url  # noqa: F401  (the fixture)

NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


def test_teachers_follow_the_staff_toggle_they_shared(empty_url: str) -> None:  # noqa: F811
    engine = make_engine(empty_url)
    config = alembic_config(engine)
    command.upgrade(config, "0009")
    with engine.begin() as conn:
        for key, staff in (("sch_off", False), ("sch_on", True)):
            settings = {"import_staff": staff, "import_contacts": True}
            conn.execute(
                sa.text(
                    "INSERT INTO schools (key, name, source_kind, connection_state, settings, "
                    "created_at, timezone) VALUES (:key, 'Larkfield', 'files', 'offline', "
                    ":settings, :now, 'Europe/London')"
                ),
                {"key": key, "settings": json.dumps(settings), "now": NOW},
            )
        conn.execute(
            sa.text(
                "INSERT INTO people (school_id, family, role, forename, surname, created_at, "
                "updated_at) VALUES (1, 'pupil', 'student', 'Ayaan', 'Abdullahi', :now, :now)"
            ),
            {"now": NOW},
        )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT key, settings FROM schools")).all())
        assert conn.execute(sa.text("SELECT count(*) FROM people")).scalar_one() == 1
    read = {
        k: SchoolSettings.from_json(v if isinstance(v, dict) else json.loads(v))
        for k, v in rows.items()
    }
    assert not read["sch_off"].import_teachers and not read["sch_off"].import_staff
    assert read["sch_on"].import_teachers and read["sch_on"].sync_contacts
    command.downgrade(config, "0009")
    command.upgrade(config, "head")
    engine.dispose()
