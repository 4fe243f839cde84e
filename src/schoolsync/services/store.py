"""The store a service works on: one engine per database per process, migrated once.

Every command, request and job needs a migrated store. Opening and checking it costs more than
most of them do, so the first call builds the engine and checks the schema and later calls in the
same process reuse both.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.config import Settings

_ENGINES: dict[str, sa.Engine] = {}
_LOCK = threading.Lock()


def engine_for(settings: Settings) -> sa.Engine:
    """The migrated store at `settings.database_url`; raises `StoreUnavailable` when the
    database cannot be reached."""
    from schoolsync.store.database import make_engine
    from schoolsync.store.schema import ensure_schema

    with _LOCK:
        engine = _ENGINES.get(settings.database_url)
        if engine is None:
            engine = make_engine(settings.database_url)
            try:
                ensure_schema(engine)
            except BaseException:
                engine.dispose()
                raise
            _ENGINES[settings.database_url] = engine
        return engine


def close_all() -> None:
    """Let go of every engine (a process about to end, or a test cleaning up)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def location(settings: Settings) -> str:
    """Where the data is, as a person can find it (never a password)."""
    from schoolsync.store.database import store_location

    return store_location(settings.database_url)
