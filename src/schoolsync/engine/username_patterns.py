"""Usernames for new accounts, when the MIS gives none (it never does for pupils: TT Rock Stars'
"school databases never store their usernames"). Pure.

A school setting picks the pattern:

- `initial-surname` (the default): jsmith, then jsmith2, jsmith3, ...
- `forename-initial-digits`: jonathans42 (forename, surname initial, two digits);
- `forename.surname`: jonathan.smith, then jonathan.smith2, ...

Usernames are readable (ASCII, lower case: "Siân O'Connor-Smith" is soconnorsmith), unique in
the school, and stable: made once, when the account is, and never changed by a sync. A leaver
keeps theirs, so it is never given to anybody else. The digits come from the record's source id,
not from chance, so planning twice (a manual sync's preview and its approval) gives the same.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Callable

USERNAME_PATTERNS = ("initial-surname", "forename-initial-digits", "forename.surname")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return _NON_ALNUM.sub("", decomposed.encode("ascii", "ignore").decode().lower())


def username_base(forename: str, surname: str) -> str:
    """'Siân O'Connor-Smith' -> 'soconnorsmith': ASCII, lower case, no punctuation."""
    return (fold(forename)[:1] + fold(surname)) or "user"


def make_username(
    pattern: str, forename: str, surname: str, source_id: str, taken: Callable[[str], bool]
) -> str:
    """A username of the pattern that `taken` says is free."""
    if pattern == "forename-initial-digits":
        base = (fold(forename) + fold(surname)[:1]) or "user"
        start = zlib.crc32(source_id.encode()) % 90
        # two digits while any is free (from the source id's, round), then three and more
        for number in (*(10 + (start + i) % 90 for i in range(90)), *range(100, 100_000)):
            if not taken(f"{base}{number}"):
                return f"{base}{number}"
    if pattern == "forename.surname":
        first, last = fold(forename), fold(surname)
        base = f"{first}.{last}" if first and last else (first or last or "user")
    else:
        base = username_base(forename, surname)
    username, suffix = base, 1
    while taken(username):
        suffix += 1
        username = f"{base}{suffix}"
    return username
