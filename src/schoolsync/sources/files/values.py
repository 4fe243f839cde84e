"""Single values as files write them: dates, yes/no flags, sex, emails. Pure and lenient.

Files are written by many programs and by hand in Excel, so each reader accepts every spelling
we have seen and reports the rest: a parser here raises `ValueError` (or returns None for a
flag it cannot read) and the caller turns that into an `Issue` naming the record and field.
"""

from __future__ import annotations

import datetime as dt
import re

from email_validator import EmailNotValidError, validate_email

from schoolsync.model import Gender

# Day first: these files are English, and Excel in en-GB writes 09/03/2014 for 9 March.
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$", re.ASCII)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$", re.ASCII | re.DOTALL)
_COUNT = re.compile(r"^[0-9]{1,9}$")


def parse_date(text: str) -> dt.date:
    """An ISO date (a time after it is ignored) or a day-first date with a 4-digit year.

    Two-digit years are refused: a date of birth "09/03/14" cannot say which century."""
    value = text.strip()
    match = _ISO.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    match = _DAY_FIRST.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    raise ValueError(f"not a date: {value[:40]!r}")


def parse_count(text: str) -> int | None:
    """A whole number as files write one, or None. ASCII digits only (`str.isdigit` also
    accepts "²", which `int` refuses) and at most nine of them, which the database's integers
    hold: a 30-digit "priority" would otherwise fail the whole run when it is saved."""
    value = text.strip()
    return int(value) if _COUNT.match(value) else None


_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def parse_flag(text: str) -> bool | None:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


_GENDERS: dict[str, Gender] = {
    "m": "male",
    "male": "male",
    "f": "female",
    "female": "female",
    "x": "other",
    "o": "other",
    "other": "other",
    "u": "not_stated",
    "9": "not_stated",
    "unknown": "not_stated",
    "unspecified": "not_stated",
    "not stated": "not_stated",
    "not known": "not_stated",
}


def parse_gender(text: str) -> Gender:
    gender = _GENDERS.get(" ".join(text.lower().split()))
    if gender is None:
        raise ValueError(f"not a sex or gender: {text.strip()[:40]!r}")
    return gender


def clean_email(text: str) -> str | None:
    """Emails are compared without case everywhere else, so they are kept lower-case."""
    value = text.strip().lower()
    return value or None


def parse_email(text: str) -> str | None:
    """An email address, lower-case as `clean_email` keeps it; None for a blank.

    Raises `ValueError` for a value that is not an address: no @, a space, a domain without a
    dot (`user20@sa`, which is what a file cut short in the middle of an email leaves). The
    syntax is checked by email-validator, without looking the domain up: files are read
    offline, and a school's domain need not resolve from here."""
    value = text.strip()
    if not value:
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not an email address: {value[:60]!r} ({exc})") from None
    return value.lower()
