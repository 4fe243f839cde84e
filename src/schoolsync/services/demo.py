"""The demo's school: the built-in sandbox school, added once and found again by name."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.config import Settings


def demo_school(
    engine: sa.Engine,
    settings: Settings,
    name: str,
    wonde_school_id: str,
    base_url: str,
    token: str,
    now: dt.datetime,
) -> tuple[str, bool]:
    """The demo school's key, and whether it was added now. A demo run again finds the school
    it made before, pointed at this run's sandbox (its port changes every time)."""
    from schoolsync.store import schools as school_store

    with engine.begin() as conn:
        key = school_store.find_by_name(conn, name)
        if key is not None:
            school_store.set_api_base_url(conn, key, base_url)
            return key, False
        added = school_store.add_school(
            conn,
            name=name,
            now=now,
            secret_key=settings.secret_key,
            wonde_school_id=wonde_school_id,
            api_base_url=base_url,
            token=token,
        )
        return added.key, True


def school_summary(engine: sa.Engine, key: str) -> dict[str, int]:
    """How many active people of each role, and classes, a school has."""
    from schoolsync.store import schools as school_store

    with engine.connect() as conn:
        return school_store.summary(conn, key)
