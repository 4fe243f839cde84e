"""Pupils' thumbnail photos: read from the MIS at most weekly (Wonde's own cadence), after a
sync, when the school syncs photos; unchanged ones skipped by hash, bad ones a warning."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.model import Issue
    from schoolsync.sources.wonde.photos import PhotosReader

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PhotoRefresh:
    #: False: not read now (photos off, not fetched from Wonde, or read less than a week ago)
    read: bool
    written: int = 0
    unchanged: int = 0
    issues: tuple[Issue, ...] = ()


def refresh_photos(
    engine: sa.Engine, key: str, read: PhotosReader, now: dt.datetime, *, force: bool = False
) -> PhotoRefresh:
    """Read and store the school's pupils' photos if a week has passed since the last read
    (`force`: now anyway). The read happens outside any transaction."""
    from schoolsync.engine.photos import PHOTO_DAYS, SentPhoto, plan_photos
    from schoolsync.store import photos as photo_store
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        school = get_school(conn, key)
        last = photo_store.photos_fetched_at(conn, school.id)
    if not school.settings.sync_photos or school.source_kind != "wonde":
        return PhotoRefresh(read=False)
    if not force and last is not None and now - last < dt.timedelta(days=PHOTO_DAYS):
        return PhotoRefresh(read=False)
    sent = [SentPhoto(*raw) for raw in read(school)]
    with engine.begin() as conn:
        plan = plan_photos(
            sent, photo_store.pupil_ids(conn, school.id), photo_store.stored_hashes(conn, school.id)
        )
        rows = [(w.person_id, w.sha256, w.content_type, w.data) for w in plan.writes]
        photo_store.write_photos(conn, school.id, rows, now)
    return PhotoRefresh(True, len(plan.writes), plan.unchanged, plan.issues)


def photo_of(engine: sa.Engine, key: str, person_id: int) -> tuple[str, bytes] | None:
    """A pupil's stored photo (content type, bytes), for the person page."""
    from schoolsync.store import photos as photo_store
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        return photo_store.photo_of(conn, get_school(conn, key).id, person_id)
