"""Wonde's PHP-style DateTime objects, and the time filters clients send.

Stored timestamps are Wonde-shaped dicts whose `date` strings sort lexically in time order
(fixed-width, all in UTC), so a filter is a string comparison against `canonical(...)`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

Record = dict[str, Any]

LONDON = "Europe/London"


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken to be UTC, as Wonde's own are."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def wonde_datetime(moment: datetime) -> Record:
    """A DateTime object in UTC, whole seconds, as real Wonde responses show them."""
    return {
        "date": to_utc(moment).strftime("%Y-%m-%d %H:%M:%S.000000"),
        "timezone_type": 3,
        "timezone": "UTC",
    }


def wonde_date(day: date, zone: str = LONDON) -> Record:
    """A calendar date as Wonde sends date_of_birth: local midnight, named zone."""
    return {"date": f"{day.isoformat()} 00:00:00.000000", "timezone_type": 3, "timezone": zone}


def canonical(moment: datetime) -> str:
    """The `date` string of `wonde_datetime(moment)` at full precision, for comparisons."""
    return to_utc(moment).strftime("%Y-%m-%d %H:%M:%S.%f")


def parse_filter_time(text: str) -> str:
    """`updated_after`-style values: 'YYYY-MM-DD HH:MM:SS', 'YYYY-MM-DD' or ISO 8601.

    Returns the canonical comparison string; raises ValueError for anything else.
    """
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    return canonical(datetime.fromisoformat(cleaned))


def stamp_text(value: object) -> str | None:
    """The comparable string inside a stored DateTime object, or None if it has none."""
    if isinstance(value, dict):
        text = value.get("date")
        if isinstance(text, str):
            return text
    return None
