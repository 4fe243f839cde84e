"""Fleet health: the states of a school that vendor staff look for across all their schools,
what each means, and when a school counts as overdue. The store answers which schools are in
each (`store/fleet.py`); the CLI, the web app and the metrics take the words from here."""

from __future__ import annotations

import datetime as dt
from typing import Literal

Health = Literal["failing", "needs_approval", "overdue", "paused"]

#: In the order a person reads them: what broke, what waits for someone, what fell behind,
#: what was switched off.
HEALTH: tuple[Health, ...] = ("failing", "needs_approval", "overdue", "paused")

#: A night's autosync, plus time for a late or retried one: a school with no applied run for
#: longer than this missed a night.
OVERDUE_AFTER = dt.timedelta(hours=26)

LABELS: dict[str, str] = {
    "failing": "Failing",
    "needs_approval": "Needs approval",
    "overdue": "Overdue",
    "paused": "Paused",
}

MEANINGS: dict[str, str] = {
    "failing": "Its latest sync failed: nothing was changed.",
    "needs_approval": "Major changes are waiting for a person to approve them.",
    "overdue": (
        "Synced automatically from Wonde, yet no sync has finished in the last "
        f"{int(OVERDUE_AFTER.total_seconds() // 3600)} hours."
    ),
    "paused": "Autosync is paused for this school: the scheduler skips it.",
}


def overdue_cutoff(now: dt.datetime) -> dt.datetime:
    """Runs that finished before this moment no longer count as recent."""
    return now.astimezone(dt.UTC) - OVERDUE_AFTER
