"""Pupils' thumbnail photos as the sandbox serves them (the `photo` include): a small PNG
drawn from the pupil's id, so every pupil has one and it stays the same until a test changes
it (`SandboxSchool.photos` holds the changed ones)."""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from typing import Any

SIZE = 8


def png(seed: str) -> bytes:
    """An 8x8 PNG in one colour chosen by `seed`."""
    red, green, blue = hashlib.sha256(seed.encode()).digest()[:3]
    row = b"\x00" + bytes((red, green, blue)) * SIZE
    raw = row * SIZE

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def photo_payload(record_id: str, content: bytes | None = None) -> dict[str, Any]:
    """A photo as Wonde's include shapes it: the hash, and the image as base64."""
    image = content if content is not None else png(record_id)
    return {
        "id": f"P{record_id}",
        "hash": hashlib.md5(image, usedforsecurity=False).hexdigest(),
        "content_type": "image/png",
        "content": base64.b64encode(image).decode(),
    }
