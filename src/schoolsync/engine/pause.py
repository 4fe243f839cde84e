"""Is a school's sync paused now, and why. Pure: the day is passed in (the school's own date,
`school_today`), as are its term dates and the day of its first sync.

Two rules, from schools' own products (seeds/004):

- **Summer pause**: from the end of Summer 2 until 1 September nothing is read, so a MIS that
  has rolled over to the new year cannot put pupils' classes and groups in the wrong year.
- **Term dates by 31 December**: the term dates of the academic year must be entered by the
  31 December it contains, or syncing pauses until they are. A school with no term dates at all
  still syncs (with a warning on every run) until the 31 December after its first sync.

The scheduler asks `pause_state` before it queues a school; the pipeline asks before a run
reads anything and records a paused run with the message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from schoolsync.model.terms import TermDate, academic_year_of, year_label

PauseReason = Literal["summer", "term_dates_missing"]


@dataclass(frozen=True, slots=True)
class SyncPause:
    #: why the school is paused, or None when it syncs
    reason: PauseReason | None
    #: what to tell the school's admin (paused, or warned), else ""
    message: str = ""
    #: the last day this school syncs without its term dates (while it still does)
    deadline: dt.date | None = None

    @property
    def paused(self) -> bool:
        return self.reason is not None

    @property
    def warning(self) -> str | None:
        """A warning every run carries while term dates are missing but syncing goes on."""
        return self.message if self.reason is None and self.message else None


def school_today(now: dt.datetime, timezone: str | None) -> dt.date:
    """The date at the school at `now` (UTC or aware): terms end at the school's midnight."""
    try:
        zone = ZoneInfo(timezone or "Europe/London")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Europe/London")
    return now.astimezone(zone).date()


def where_to_enter(school_key: str) -> str:
    return (
        f"Enter them on the school's Term dates page (Settings, then Term dates), or with "
        f"`schoolsync terms {school_key} --file terms.csv`"
    )


def pause_state(
    terms: Sequence[TermDate],
    today: dt.date,
    first_synced: dt.date | None,
    school_key: str,
) -> SyncPause:
    year = academic_year_of(today)
    this_year = {t.term: t for t in terms if t.academic_year == year}
    summer2 = this_year.get("summer2")
    if summer2 is not None and today > summer2.ends_on:
        return SyncPause(
            "summer",
            f"Syncing is paused for the summer: Summer 2 ended on {summer2.ends_on:%-d %B %Y}, "
            f"and syncing starts again on 1 September {year + 1}, so that data from a MIS "
            "that has already rolled over cannot land in the wrong year. Nothing to do.",
        )
    if this_year:
        return SyncPause(None)
    label = year_label(year)
    where = where_to_enter(school_key)
    if not terms:
        deadline = dt.date((first_synced or today).year, 12, 31)
        if today > deadline:
            return SyncPause(
                "term_dates_missing",
                f"Syncing is paused: this school has no term dates, which were needed by "
                f"{deadline:%-d %B %Y}. {where}; syncing starts again with the next sync.",
            )
        return SyncPause(
            None,
            f"This school has no term dates. Enter those of {label} by "
            f"{deadline:%-d %B %Y}, or syncing pauses then. {where}.",
            deadline,
        )
    deadline = dt.date(year, 12, 31)
    if today > deadline:
        return SyncPause(
            "term_dates_missing",
            f"Syncing is paused: the term dates of {label} were needed by "
            f"{deadline:%-d %B %Y}. {where}; syncing starts again with the next sync.",
        )
    return SyncPause(
        None,
        f"The term dates of {label} are missing. Enter them by {deadline:%-d %B %Y}, or "
        f"syncing pauses then. {where}.",
        deadline,
    )
