"""CTF code lists, read leniently into the values the rest of schoolsync uses. Pure.

Each function returns None for a value it does not recognise, and the caller reports it.
"""

from __future__ import annotations

import re

from schoolsync.sources.files.values import parse_count

# SEN provision. Historic codes are read as what replaced them, because a pupil's status today is
# what a teacher needs: statements (S) all became EHC plans (E) by April 2018; School Action (A)
# and School Action Plus (P) became SEN support (K) in 2014-15. Arbor and the census do the same.
SEN_PROVISION: dict[str, str] = {"N": "N", "K": "K", "E": "E", "S": "E", "A": "K", "P": "K"}

# First-language codes (CBDS): English, believed to be English; and "not obtained", "refused".
LANGUAGE_ENGLISH = frozenset({"ENG", "ENB"})
LANGUAGE_UNKNOWN = frozenset({"NOT", "REF"})

_YEAR_PREFIX = re.compile(r"^(?:YEAR|YR|Y|NC)\s*")
# N1 and N2 are the nursery years, R reception, X "not following a National Curriculum year".
_NAMED_YEARS = {"N1": "N1", "N2": "N2", "R": "R", "RECEPTION": "R", "X": "X"}


def year_group(text: str) -> str | None:
    """NCyearActual ("7", "07", "Year 7", "R", "N2", "X") to schoolsync's form ("7", "R")."""
    value = _YEAR_PREFIX.sub("", text.strip().upper())
    number = parse_count(value)
    if number is not None:
        return str(number) if 0 < number <= 14 else None
    return _NAMED_YEARS.get(value)


def sen_provision(text: str) -> str | None:
    return SEN_PROVISION.get(text.strip().upper())


def sen_type(text: str) -> str:
    """Need codes are kept as given (upper-cased): BESD and codes newer than this list (DS, from
    January 2025) are real data, and a reader that drops them hides a child's need."""
    return text.strip().upper()
