"""Term dates: six terms an academic year, which runs from September to August. Plain values.

An academic year is named by the calendar year it starts in (2026 is "2026/27")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

TERMS = ("autumn1", "autumn2", "spring1", "spring2", "summer1", "summer2")
TERM_LABELS = {
    "autumn1": "Autumn 1", "autumn2": "Autumn 2", "spring1": "Spring 1",
    "spring2": "Spring 2", "summer1": "Summer 1", "summer2": "Summer 2",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TermDate:
    academic_year: int
    term: str
    starts_on: dt.date
    ends_on: dt.date


def academic_year_of(day: dt.date) -> int:
    """The academic year a day falls in: 1 September starts the next one."""
    return day.year if day.month >= 9 else day.year - 1


def year_label(year: int) -> str:
    """2026 -> "2026/27"."""
    return f"{year}/{(year + 1) % 100:02d}"
