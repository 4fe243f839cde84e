"""The pipeline's question before a run reads anything: is this school paused now (the summer
pause, or term dates missing past 31 December), and if not, what every run's message warns of.
The rules are pure (`engine/pause.py`); this reads their inputs from the store."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from schoolsync.engine.pause import SyncPause, pause_state, school_today
from schoolsync.store.schools import School
from schoolsync.store.term_dates import first_sync_at, load_terms


def sync_pause(conn: sa.Connection, school: School, now: dt.datetime) -> SyncPause:
    first = first_sync_at(conn, school.id)
    return pause_state(
        load_terms(conn, school.id),
        school_today(now, school.timezone),
        school_today(first, school.timezone) if first is not None else None,
        school.key,
    )
