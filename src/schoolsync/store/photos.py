"""Pupils' photos, kept out of `people` (`pupil_photos`). Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from schoolsync.store.context_tables import pupil_photos
from schoolsync.store.schools import as_utc
from schoolsync.store.tables import people, schools

#: (person id, sha256, content type, image bytes)
PhotoRow = tuple[int, str, str, bytes]


def pupil_ids(conn: sa.Connection, school_id: int) -> dict[str, int]:
    """The school's stored pupils by source id."""
    rows = conn.execute(
        sa.select(people.c.source_id, people.c.id).where(
            people.c.school_id == school_id,
            people.c.role == "student",
            people.c.source_id.is_not(None),
        )
    ).all()
    return {str(source_id): int(person_id) for source_id, person_id in rows}


def stored_hashes(conn: sa.Connection, school_id: int) -> dict[int, str]:
    rows = conn.execute(
        sa.select(pupil_photos.c.person_id, pupil_photos.c.sha256).where(
            pupil_photos.c.school_id == school_id
        )
    ).all()
    return {int(person_id): str(sha) for person_id, sha in rows}


def write_photos(
    conn: sa.Connection, school_id: int, rows: Sequence[PhotoRow], now: dt.datetime
) -> None:
    """Replace the photos of the people given (a delete and an insert: the same on SQLite and
    PostgreSQL)."""
    if rows:
        conn.execute(
            sa.delete(pupil_photos).where(pupil_photos.c.person_id.in_([r[0] for r in rows]))
        )
        conn.execute(
            sa.insert(pupil_photos),
            [
                {"person_id": person_id, "school_id": school_id, "sha256": sha,
                 "content_type": kind, "data": data, "updated_at": now}
                for person_id, sha, kind, data in rows
            ],
        )  # fmt: skip
    conn.execute(sa.update(schools).where(schools.c.id == school_id).values(photos_fetched_at=now))


def photos_fetched_at(conn: sa.Connection, school_id: int) -> dt.datetime | None:
    found: dt.datetime | None = conn.execute(
        sa.select(schools.c.photos_fetched_at).where(schools.c.id == school_id)
    ).scalar_one()
    return as_utc(found)


def photo_of(conn: sa.Connection, school_id: int, person_id: int) -> tuple[str, bytes] | None:
    row = conn.execute(
        sa.select(pupil_photos.c.content_type, pupil_photos.c.data).where(
            pupil_photos.c.school_id == school_id, pupil_photos.c.person_id == person_id
        )
    ).first()
    return (str(row[0]), bytes(row[1])) if row is not None else None


def has_photo(conn: sa.Connection, school_id: int, person_id: int) -> bool:
    found = conn.execute(
        sa.select(pupil_photos.c.person_id).where(
            pupil_photos.c.school_id == school_id, pupil_photos.c.person_id == person_id
        )
    ).first()
    return found is not None
