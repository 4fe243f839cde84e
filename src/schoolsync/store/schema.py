"""Is the database at the newest schema? Checked once per process, and cheaply.

Every command needs a migrated store, but loading Alembic and its migration scripts costs more
than most commands do. The newest revision is read from the migration files' own
`revision = "..."` lines, the database's from `alembic_version`; only when they differ is
Alembic loaded to upgrade.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from schoolsync.store.database import MIGRATIONS, upgrade

_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_REVISES = re.compile(r"^down_revision\s*=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")

#: Databases already known to be at the newest schema in this process.
_CHECKED: set[str] = set()


def head_revisions(versions: Path = MIGRATIONS / "versions") -> frozenset[str]:
    """The revisions no other migration revises: the schema the code expects."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in versions.glob("*.py"):
        text = script.read_text(encoding="utf-8")
        found = _REVISION.search(text)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _REVISES.search(text)
        if down is not None:
            revised.update(_QUOTED.findall(down.group(1)))
    return frozenset(revisions - revised)


def current_revisions(engine: sa.Engine) -> frozenset[str]:
    """The revisions the database says it is at; none for a new database."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return frozenset()
        rows = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        return frozenset(str(row[0]) for row in rows)


def ensure_schema(engine: sa.Engine, migrate: Callable[[sa.Engine], None] = upgrade) -> None:
    """Upgrade the database if, and only if, it is behind; at most one check per process."""
    key = engine.url.render_as_string(hide_password=False)
    if key in _CHECKED:
        return
    if current_revisions(engine) != head_revisions():
        migrate(engine)
    _CHECKED.add(key)
