"""One migration at a time per database, across processes.

Two commands started at once on a brand-new store would both see an empty schema and both
create it: one fails ("table schools already exists" on SQLite, a duplicate key on
PostgreSQL). Each upgrade holds a lock, so the second waits and then finds nothing to do.
PostgreSQL has advisory locks for this; SQLite has no lock that outlives a transaction, so a
lock file beside the database stands in.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from filelock import FileLock, Timeout

from schoolsync.errors import StoreUnavailable
from schoolsync.private_paths import FILE_MODE

#: Any fixed 64-bit number, the same in every process: it names this lock among the
#: database's advisory locks. (int.from_bytes(b"schoolsy", "big") >> 1)
ADVISORY_KEY = 4_157_302_082_438_052_284
WAIT_SECONDS = 300


@contextlib.contextmanager
def migration_lock(engine: sa.Engine, wait_seconds: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the database's migration lock, waiting up to `wait_seconds` for another process."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, wait_seconds):
            yield
        return
    path = engine.url.database
    if engine.dialect.name == "sqlite" and path and path != ":memory:":
        lock = FileLock(f"{path}.migrate-lock", timeout=wait_seconds, mode=FILE_MODE)
        try:
            lock.acquire()
        except Timeout as exc:
            raise _still_busy(Path(path).name, wait_seconds) from exc
        try:
            yield
        finally:
            lock.release()
        return
    yield  # an in-memory database belongs to one process


@contextlib.contextmanager
def _advisory_lock(engine: sa.Engine, wait_seconds: float) -> Iterator[None]:
    with engine.connect() as conn:
        # SET LOCAL: the pooled connection goes back with the server's own lock_timeout.
        conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(wait_seconds * 1000)}ms'"))
        try:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_KEY})
        except sa.exc.OperationalError as exc:
            raise _still_busy(str(engine.url.database), wait_seconds) from exc
        conn.commit()  # the lock belongs to the session, not to this transaction
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            conn.commit()


def _still_busy(database: str, wait_seconds: float) -> StoreUnavailable:
    return StoreUnavailable(
        f"Another schoolsync process has been updating the database ({database}) for over "
        f"{wait_seconds:.0f} s; try again when it has finished"
    )
