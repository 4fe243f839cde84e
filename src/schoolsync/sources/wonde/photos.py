"""Pupils' photos read from Wonde (the students' `photo` include), apart from the sync: they
change weekly at most, and a school without the photos permission still syncs everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from schoolsync.config import Settings
from schoolsync.errors import SourceAuthError
from schoolsync.sources.base import SchoolConnection
from schoolsync.sources.wonde.values import related_one, text

#: (source id, name, MIS id, base64 content) of each pupil with a photo
RawPhoto = tuple[str, str, str, str]
PhotosReader = Callable[[SchoolConnection], list[RawPhoto]]


def photos_reader(settings: Settings, transport: httpx.BaseTransport | None = None) -> PhotosReader:
    from schoolsync.sources.wonde.reader import connected

    def read(school: SchoolConnection) -> list[RawPhoto]:
        with connected(settings, school, transport) as wonde:
            try:
                records = wonde.all("students", {"include": "photo"}, _quiet, None)
            except SourceAuthError as exc:
                if exc.permission == "photos.read":
                    return []  # not granted: the permissions page says so
                raise
        return [photo for record in records if (photo := _photo(record)) is not None]

    return read


def _quiet(_what: str, _done: int, _total: int | None) -> None:
    return None


def _photo(record: Any) -> RawPhoto | None:
    if not isinstance(record, dict) or not record.get("id"):
        return None
    photo = related_one(record, "photo")
    content = photo.get("content")
    if not isinstance(content, str) or not content:
        return None
    name = f"{text(record.get('forename')) or ''} {text(record.get('surname')) or ''}".strip()
    return str(record["id"]), name, text(record.get("mis_id")) or "", content
