"""Engines and migrations. SQLite is the embedded default; PostgreSQL is production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from schoolsync.errors import StoreUnavailable
from schoolsync.private_paths import private_file
from schoolsync.store.migration_lock import migration_lock

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine whose errors never quote the values bound to a statement: those are pupils'
    names and dates of birth, and errors end up in logs."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1].split("?", 1)[0]
        if path and path != ":memory:":
            # SQLite would create the file with the umask's mode (usually world-readable);
            # its -wal and -shm files copy the mode of the database file.
            private_file(Path(path))
        engine = sa.create_engine(url, hide_parameters=True, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)
    sa.event.listen(engine, "handle_error", _translate_outage)
    return engine


def store_location(database_url: str) -> str:
    """Where the data is, as a person can find it: the SQLite file's full path, or the server
    and database (never the password)."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return str(Path(url.database).absolute()) if url.database else "memory (not kept)"
    return url.render_as_string(hide_password=True)


def _translate_outage(context: sa.engine.ExceptionContext) -> None:
    """A database that cannot be reached is "retry later", said plainly, at the boundary.

    Only outages are translated: an error in a statement is a defect and keeps its own type so
    that the orchestrator records it as one. The message names the server, never the password.
    """
    if context.is_disconnect or context.connection is None:
        where = _server_of(context.engine.url) if context.engine is not None else "unknown"
        raise StoreUnavailable(
            f"The database ({where}) cannot be reached; try again when it is back"
        ) from context.original_exception


def _server_of(url: sa.URL) -> str:
    return f"{url.host}:{url.port or 5432}" if url.host else str(url.database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web app read while a sync writes; NORMAL is durable at commit in WAL mode.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config(engine: sa.Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: sa.Engine) -> None:
    """Bring the database to the newest schema (idempotent). Processes started at once take
    turns: the second finds the schema already made."""
    with migration_lock(engine):
        command.upgrade(alembic_config(engine), "head")
