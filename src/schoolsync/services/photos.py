"""Pupils' thumbnail photos: read from the MIS at most weekly (Wonde's own cadence), after a
sync, when the school syncs photos; unchanged ones skipped by hash, bad ones a warning.

`photos_after_sync` is the one place that decides it, whichever way the sync was started: the
CLI (`services/syncing.run_sync`) and every queued job (`jobs/run.run_claimed`: the web app's
Start sync, the embedded runner's nights, the Celery workers) call it."""

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


#: A run that ended so read nothing it could trust, or nothing at all: no photos after it.
_NOT_AFTER = frozenset({"failed", "paused", "interrupted", "skipped"})


def photos_after_sync(
    engine: sa.Engine, key: str, status: str, read: PhotosReader | None, now: dt.datetime
) -> PhotoRefresh | None:
    """Photos after a sync of `status` that read the MIS (`read` None: it did not, e.g. a file
    import or a test's reader): at most weekly, and never failing the sync, whose run is
    already recorded. None when they were not read because of an error (logged, without any
    pupil's data)."""
    from schoolsync.errors import SchoolsyncError

    if read is None or status in _NOT_AFTER:
        return PhotoRefresh(read=False)
    try:
        return refresh_photos(engine, key, read, now)
    except SchoolsyncError as exc:
        log.warning("photos of school %s not read: %s", key, exc)
    except Exception as exc:  # a photo must never cost a school its sync
        log.error("photos of school %s not read: %s", key, type(exc).__name__)
    return None


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
    """A pupil's stored photo (content type, bytes), for the person page; None without one
    (or when the person is not the school's)."""
    from schoolsync.store import photos as photo_store
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        return photo_store.photo_of(conn, get_school(conn, key).id, person_id)


def has_photo(engine: sa.Engine, key: str, person_id: int) -> bool:
    """Whether the person page shows a photo (without reading the image)."""
    from schoolsync.store import photos as photo_store
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        return photo_store.has_photo(conn, get_school(conn, key).id, person_id)
