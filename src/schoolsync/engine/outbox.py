"""The outbox's rules: how long to wait before trying a mark again, when to give up, and which
marks of a refused write-back were the refused ones. Pure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

#: The first retry waits this long; each one after waits twice as long, up to `MAX_WAIT`.
FIRST_WAIT = dt.timedelta(seconds=5)
MAX_WAIT = dt.timedelta(minutes=5)
#: How often a sent write-back's status is asked until the MIS confirms it.
CHECK_EVERY = dt.timedelta(seconds=2)
#: The most marks in one write-back (one POST, one idempotency key).
BATCH_SIZE = 200

_RECORD = re.compile(r"^attendance\.(\d+)(?:\.|$)")


def retry_wait(failures: int, asked: dt.timedelta | None = None) -> dt.timedelta:
    """The wait after the `failures`-th failure in a row; at least what the server asked."""
    exponential: dt.timedelta = FIRST_WAIT * (2 ** max(0, failures - 1))
    wait = min(MAX_WAIT, exponential)
    return max(wait, asked) if asked is not None else wait


def given_up(created_at: dt.datetime, now: dt.datetime, fail_after: dt.timedelta) -> bool:
    """Whether a mark still not confirmed has waited too long to be of use to the register."""
    return now - created_at >= fail_after


def refused_records(errors: dict[str, list[str]], count: int) -> dict[int, str]:
    """Which of `count` records a 422 names (index -> the problems in words); a 422 that names
    no record refuses them all."""
    named: dict[int, list[str]] = {}
    general: list[str] = []
    for key, problems in errors.items():
        found = _RECORD.match(key)
        if found and int(found.group(1)) < count:
            named.setdefault(int(found.group(1)), []).extend(_words(problems))
        else:
            general.extend(_words(problems))
    if not named:
        return {index: "; ".join(general) or "refused by the MIS" for index in range(count)}
    return {index: "; ".join(problems) for index, problems in named.items()}


def _words(problems: Iterable[object]) -> list[str]:
    if isinstance(problems, str):
        return [problems]
    return [str(p) for p in problems]
