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
    it made before, pointed at this run's sandbox (its port changes every time). The sandbox
    school's term dates are entered for it (those it has are kept)."""
    from schoolsync.sandbox.term_dates import term_dates
    from schoolsync.store import schools as school_store
    from schoolsync.store.term_dates import load_terms, replace_terms

    with engine.begin() as conn:
        key = school_store.find_by_name(conn, name)
        added = key is None
        if key is not None:
            school_store.set_api_base_url(conn, key, base_url)
        else:
            key = school_store.add_school(
                conn,
                name=name,
                now=now,
                secret_key=settings.secret_key,
                wonde_school_id=wonde_school_id,
                api_base_url=base_url,
                token=token,
            ).key
        # The sandbox school's term dates, as a school enters its own, so a new user sees no
        # term dates warning (and a demo run again next year gets that year's).
        school_id = school_store.get_school(conn, key).id
        known = {t.academic_year for t in load_terms(conn, school_id)}
        replace_terms(
            conn, school_id, [t for t in term_dates(now.date()) if t.academic_year not in known]
        )
        return key, added


def school_summary(engine: sa.Engine, key: str) -> dict[str, int]:
    """How many active people of each role, and classes, a school has."""
    from schoolsync.store import schools as school_store

    with engine.connect() as conn:
        return school_store.summary(conn, key)
