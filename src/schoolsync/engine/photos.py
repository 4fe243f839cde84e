"""Which pupils' photos to store, from what Wonde sent and the hashes already stored. Pure.

An unchanged photo (same sha256) is not written again; an image that is not a PNG, JPEG or GIF,
or is over the size cap, is a warning naming the pupil (their stored photo kept), never a
failed run."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from schoolsync.model import Issue

#: The largest thumbnail stored: a thumbnail, not a portrait.
MAX_PHOTO_BYTES = 200_000
#: Wonde refreshes photos from the MIS weekly; reading them more often finds nothing new.
PHOTO_DAYS = 7

_KINDS = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))  # fmt: skip


@dataclass(frozen=True, slots=True)
class SentPhoto:
    """One pupil's photo as the source sent it (`content` base64)."""

    source_id: str
    name: str
    mis_id: str
    content: str


@dataclass(frozen=True, slots=True)
class PhotoWrite:
    person_id: int
    sha256: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class PhotoPlan:
    writes: tuple[PhotoWrite, ...]
    unchanged: int
    issues: tuple[Issue, ...]


def plan_photos(
    sent: Sequence[SentPhoto],
    person_ids: Mapping[str, int],
    stored: Mapping[int, str],
    max_bytes: int = MAX_PHOTO_BYTES,
) -> PhotoPlan:
    """`person_ids`: stored pupils by source id (a photo of anyone else is ignored);
    `stored`: the sha256 of each stored photo by person id."""
    writes, issues, unchanged = [], [], 0
    for photo in sent:
        person_id = person_ids.get(photo.source_id)
        if person_id is None:
            continue
        problem, data, kind = _read(photo.content, max_bytes)
        if problem is not None:
            issues.append(
                Issue("student", photo.name, f"The photo {problem}; the stored photo was kept",
                      photo.source_id, photo.mis_id, severity="warning")
            )  # fmt: skip
            continue
        sha = hashlib.sha256(data).hexdigest()
        if stored.get(person_id) == sha:
            unchanged += 1
            continue
        writes.append(PhotoWrite(person_id, sha, kind, data))
    return PhotoPlan(tuple(writes), unchanged, tuple(issues))


def _read(content: str, max_bytes: int) -> tuple[str | None, bytes, str]:
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        return "is not valid base64", b"", ""
    if len(data) > max_bytes:
        return f"is {len(data) // 1000} kB, over the {max_bytes // 1000} kB limit", b"", ""
    for magic, kind in _KINDS:
        if data.startswith(magic):
            return None, data, kind
    return "is not a PNG, JPEG or GIF image", b"", ""
