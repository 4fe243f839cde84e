"""The attendance codes a sandbox school's MIS offers, as Wonde serves them.

The letters and meanings are the DfE's (school attendance guidance); the `type` words are
invented, as the protocol notes advise (specs/wonde-api.md §5.11: Wonde's vocabulary is
unknown, so clients must match on `code` and keep `type` opaque). Ids are stable per letter so
that a client's cached codes stay valid across sandbox restarts.
"""

from __future__ import annotations

import hashlib
from typing import Any

Record = dict[str, Any]

#: (letter, description, invented type)
DFE_CODES: tuple[tuple[str, str, str], ...] = (
    ("/", "Present (AM)", "PRESENT"),
    ("\\", "Present (PM)", "PRESENT"),
    ("L", "Late (before registers closed)", "LATE"),
    ("U", "Late (after registers closed)", "UNAUTHORISED_ABSENCE"),
    ("B", "Educated off site", "APPROVED_EDUCATIONAL_ACTIVITY"),
    ("C", "Other authorised circumstances", "AUTHORISED_ABSENCE"),
    ("E", "Excluded (no alternative provision made)", "AUTHORISED_ABSENCE"),
    ("H", "Holiday authorised by the school", "AUTHORISED_ABSENCE"),
    ("I", "Illness (not medical or dental appointments)", "AUTHORISED_ABSENCE"),
    ("M", "Medical or dental appointments", "AUTHORISED_ABSENCE"),
    ("N", "No reason yet provided for absence", "UNAUTHORISED_ABSENCE"),
    ("O", "Unauthorised absence (not covered by any other code)", "UNAUTHORISED_ABSENCE"),
    ("R", "Religious observance", "AUTHORISED_ABSENCE"),
    ("T", "Traveller absence", "AUTHORISED_ABSENCE"),
    ("V", "Educational visit or trip", "APPROVED_EDUCATIONAL_ACTIVITY"),
    ("#", "Planned whole-school closure", "NOT_REQUIRED"),
)


def code_id(letter: str) -> str:
    """A Wonde-looking id ('A' and 10 digits) that is the same for a letter every time."""
    digest = hashlib.sha256(f"attendance-code/{letter}".encode()).hexdigest()
    return f"A{int(digest[:12], 16) % 9_000_000_000 + 1_000_000_000}"


def attendance_codes() -> list[Record]:
    return [
        {"id": code_id(letter), "code": letter, "description": description, "type": kind}
        for letter, description, kind in DFE_CODES
    ]


CODE_IDS = frozenset(code_id(letter) for letter, _description, _kind in DFE_CODES)
