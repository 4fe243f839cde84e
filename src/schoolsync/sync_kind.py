"""Which kind of sync a school needs now (full or incremental), and from when to read."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schoolsync.model.labels import SyncKind
    from schoolsync.store.schools import School

#: Ask for changes since a little before the last run began: clocks differ, and a record seen
#: twice costs nothing while a record missed is wrong until the next full sync.
CURSOR_OVERLAP = dt.timedelta(minutes=5)


def choose_sync_kind(school: School, full_requested: bool, now: dt.datetime) -> SyncKind:
    """Incremental when possible, but a full sync at least every `full_sync_every_hours`:
    relation-only changes (a pupil moving class) do not always move `updated_at` in Wonde."""
    if full_requested or school.mis_switch_at is not None:  # re-linking needs everyone
        return "full"
    if school.sync_cursor is None or school.last_full_sync_at is None:
        return "full"
    every = dt.timedelta(hours=school.settings.full_sync_every_hours)
    return "full" if now - school.last_full_sync_at >= every else "incremental"


def read_since(school: School, sync_kind: SyncKind) -> dt.datetime | None:
    """The moment an incremental read asks for changes since; None reads everything."""
    if sync_kind == "incremental" and school.sync_cursor is not None:
        return school.sync_cursor - CURSOR_OVERLAP
    return None
