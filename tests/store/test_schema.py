"""The schema check every command makes: cheap when the store is current, once per process."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from schoolsync.store import schema
from schoolsync.store.database import alembic_config, make_engine


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "_CHECKED", set())


def never(_engine: sa.Engine) -> None:
    raise AssertionError("migrated a database that was already current")


def test_the_newest_revision_is_alembics_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    assert schema.head_revisions() == frozenset(heads)


def test_a_current_store_is_not_migrated_again(engine: sa.Engine) -> None:
    assert schema.current_revisions(engine) == schema.head_revisions()
    schema.ensure_schema(engine, migrate=never)


def test_a_new_store_is_migrated_once_per_process(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    schema.ensure_schema(engine)
    with engine.connect() as conn:
        assert sa.inspect(conn).has_table("schools")
    assert schema.current_revisions(engine) == schema.head_revisions()

    calls: list[sa.Engine] = []
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM alembic_version"))  # behind again, but already checked
    schema.ensure_schema(engine, migrate=calls.append)
    assert calls == []
    engine.dispose()


def test_a_store_behind_the_code_is_upgraded(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    from alembic import command

    command.upgrade(alembic_config(engine), "0001")
    schema.ensure_schema(engine)
    assert schema.current_revisions(engine) == schema.head_revisions()
    engine.dispose()
