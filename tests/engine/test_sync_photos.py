"""Pupils' photos from the sandbox over real HTTP (SQLite and PostgreSQL): read at most weekly,
unchanged ones skipped by hash, a bad image a warning, stored outside the main tables, and not
read at all when the school turns photos off."""

# ruff: noqa: F811  (the fixtures imported from test_sync_wonde are parameters here)
from __future__ import annotations

import base64
import datetime as dt

import sqlalchemy as sa

from schoolsync.sandbox import DEMO_SCHOOL_ID
from schoolsync.sandbox.photos import photo_payload, png
from schoolsync.services.photos import photo_of, refresh_photos
from schoolsync.services.schools import update_settings
from schoolsync.services.sources import photos_reader
from schoolsync.store.context_tables import pupil_photos
from schoolsync.store.tables import people
from tests.engine.test_sync_wonde import school, served, sync  # noqa: F401


def test_photos_weekly_by_hash_and_only_when_on(engine, settings, served, school) -> None:
    mis = served[0].schools[DEMO_SCHOOL_ID]
    sync(engine, settings, school)
    read = photos_reader(settings)
    now = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
    first = refresh_photos(engine, school, read, now)
    with engine.connect() as conn:
        pupils = conn.execute(
            sa.select(sa.func.count()).select_from(people).where(people.c.role == "student")
        ).scalar_one()
        stored = conn.execute(sa.select(sa.func.count()).select_from(pupil_photos)).scalar_one()
        person_id, source_id = conn.execute(
            sa.select(people.c.id, people.c.source_id).where(people.c.role == "student").limit(1)
        ).one()
    assert first.read and first.written == pupils == stored
    assert photo_of(engine, school, person_id) == ("image/png", png(source_id))
    # Wonde refreshes photos weekly: a read sooner finds nothing new, so none is made.
    assert not refresh_photos(engine, school, read, now + dt.timedelta(days=6)).read
    others = [p for p in mis.students if p != source_id]
    with mis.lock:
        mis.photos[source_id] = photo_payload(source_id, png("a new photo"))
        mis.photos[others[0]] = {"content": base64.b64encode(b"not an image").decode()}
    week = refresh_photos(engine, school, read, now + dt.timedelta(days=7))
    assert week.read and week.written == 1 and week.unchanged == pupils - 2
    [warning] = week.issues
    assert warning.severity == "warning" and warning.source_id == others[0]
    assert "is not a PNG, JPEG or GIF image" in warning.message
    assert photo_of(engine, school, person_id) == ("image/png", png("a new photo"))
    update_settings(engine, school, {"sync_photos": False})
    assert not refresh_photos(engine, school, read, now + dt.timedelta(days=30)).read
