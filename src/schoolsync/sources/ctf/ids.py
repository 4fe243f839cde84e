"""Ids for what a CTF does not identify itself: its contacts. Pure."""

from __future__ import annotations

import hashlib
import unicodedata


def contact_source_id(upn: str, order: str, surname: str, forename: str) -> str:
    """`ctf-contact-` and 20 hex digits of SHA-256 over the pupil's UPN, the contact's Order
    (its position among the pupil's contacts when Order is missing) and their names, case- and
    space-folded.

    The same contact in the next CTF of the same pupil gets the same id, so re-imports update
    rather than duplicate. A CTF cannot say that a parent of two siblings is one person, so they
    are two contacts, one per pupil. Hashed so that ids, which appear in issue lists, carry
    neither a child's UPN nor a parent's name."""
    key = "\x1f".join((upn, order.strip(), _fold(surname), _fold(forename)))
    return "ctf-contact-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
