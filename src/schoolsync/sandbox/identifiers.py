"""Identifiers as Wonde and the DfE issue them: Wonde ids, UPIs and UPNs."""

from __future__ import annotations

import hashlib
import random

# DfE UPN check letters: the alphabet without I, O and S, indexed by a weighted sum mod 23.
_UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def wonde_id(rng: random.Random, taken: set[str]) -> str:
    """'A' and 9 to 10 digits, unique within `taken` (which it extends)."""
    while True:
        candidate = f"A{rng.randrange(100_000_000, 2_200_000_000)}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def upi(school_id: str, person_mis_id: str) -> str:
    """Wonde's Unique Person Identifier: a hash of the MIS person id and the school.

    The same MIS person (a teacher who is also a pupil's parent) gets the same UPI under each
    of their Wonde ids, which is how Wonde documents it.
    """
    return hashlib.md5(f"{school_id}/{person_mis_id}".encode(), usedforsecurity=False).hexdigest()


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (DfE UPN specification)."""
    if len(body) != 12 or not body.isdigit():
        raise ValueError(f"a permanent UPN body is 12 digits, not {body!r}")
    total = sum(int(ch) * weight for ch, weight in zip(body, range(2, 14), strict=True))
    return _UPN_CHECK_LETTERS[total % 23]


def upn(la_code: str, establishment: str, year: int, serial: int) -> str:
    """13 characters: check letter, LA (3), establishment (4), allocation year (2), serial (3)."""
    body = f"{la_code:0>3}{establishment:0>4}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body


def is_valid_upn(value: str) -> bool:
    return len(value) == 13 and value[1:].isdigit() and value[0] == upn_check_letter(value[1:])
