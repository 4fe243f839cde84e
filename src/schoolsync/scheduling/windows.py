"""Spans of a school's local day (the nightly window, school hours), and the spread of schools
over a window: deterministic by school key, so a school syncs at the same minute every night
and thousands of schools do not start at once."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class Window:
    """From `start` to `end` local time; an end before the start crosses midnight."""

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str) -> Window:
        """'01:00-05:00' (or with an en dash); ValueError naming the text otherwise."""
        match = _SPAN.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not a time window (expected e.g. 01:00-05:00)")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise ValueError(f"{text!r} is not a time window (hours 00-24, minutes 00-59)")
        end = dt.time(0, 0) if h2 == 24 else dt.time(h2, m2)
        window = cls(dt.time(h1, m1), end)
        if window.seconds() == 0:
            raise ValueError(f"{text!r} is an empty time window")
        return window

    def seconds(self) -> int:
        start = self.start.hour * 3600 + self.start.minute * 60
        end = self.end.hour * 3600 + self.end.minute * 60
        return (end - start) % 86400

    def starts_on(self, day: dt.date, zone: ZoneInfo) -> dt.datetime:
        return dt.datetime.combine(day, self.start, zone)

    def ends_after(self, day: dt.date, zone: ZoneInfo) -> dt.datetime:
        """The end of the window that starts on `day` (the next day's, across midnight)."""
        return _local(self.starts_on(day, zone), self.seconds(), zone)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def text(self) -> str:
        """As a setting is written: '01:00-05:00'."""
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@functools.lru_cache(maxsize=65536)
def spread_seconds(school_key: str, span_seconds: int) -> int:
    """Where in a window of `span_seconds` this school's run goes: the same every night, and
    even across schools (a hash, not Python's salted `hash`)."""
    digest = hashlib.sha256(school_key.encode()).digest()
    return int.from_bytes(digest[:8], "big") % max(1, span_seconds)


def zone_of(name: str) -> ZoneInfo:
    """The named time zone; ValueError naming it when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{name!r} is not a time zone (expected e.g. Europe/London)") from exc


def _local(start: dt.datetime, seconds: int, zone: ZoneInfo) -> dt.datetime:
    """`seconds` of real time after a local moment (across a clock change too), as local time."""
    return (start.astimezone(dt.UTC) + dt.timedelta(seconds=seconds)).astimezone(zone)


def at_offset(start: dt.datetime, seconds: int) -> dt.datetime:
    """A moment `seconds` of real time after `start`, in UTC."""
    return start.astimezone(dt.UTC) + dt.timedelta(seconds=seconds)
