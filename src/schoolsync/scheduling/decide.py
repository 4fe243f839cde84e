"""The scheduler's decision for one school: which of its slots are due now, which comes next,
and why, in words a person reads in `schoolsync schedule`.

A school has a nightly slot (its key spread over its window, in its own time zone) and, when it
asks for one, a daytime slot every few hours in school hours on weekdays. A slot is due from its
moment until its window closes (plus `CATCH_UP`, so a scheduler restarted just after still runs
it); a slot already taken (queued, run or skipped: the queue remembers) is never due again, so
each school syncs once per night however often the scheduler looks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Literal

from schoolsync.scheduling.windows import Window, at_offset, spread_seconds, zone_of

#: How long after its window closes a missed slot still runs (a scheduler restarted late).
CATCH_UP = dt.timedelta(hours=1)

DEFAULT_WINDOW = Window(dt.time(1, 0), dt.time(5, 0))
DEFAULT_SCHOOL_HOURS = Window(dt.time(8, 0), dt.time(16, 0))

SlotKind = Literal["nightly", "daytime"]

#: Why a school's slots are skipped, by connection state (None: it is synced).
SKIPPED_CONNECTION: dict[str, str] = {
    "revoked": "Revoked: the school withdrew this service's access in Wonde",
    "declined": "Declined: the school declined this service's request in Wonde",
    "pending": "Waiting for the school to approve this service in Wonde",
    "offline": "Offline: the school's MIS connector is down",
    "not_connected": "Not connected to Wonde (the school imports files)",
}
PAUSED = "Paused: autosync is off for this school"

#: Lower goes first: a person waiting beats the night's schedule.
PRIORITY: dict[str, int] = {"expedited": 0, "manual": 1, "scheduled": 2}


@dataclass(frozen=True, slots=True)
class Rules:
    """What decides one school's schedule (its settings and connection)."""

    school_key: str
    timezone: str = "Europe/London"
    window: Window = DEFAULT_WINDOW
    #: 0: no daytime syncs; otherwise every this many hours in school hours, Monday to Friday
    daytime_every_hours: int = 0
    school_hours: Window = DEFAULT_SCHOOL_HOURS
    paused: bool = False
    #: model/connection.py's state: approved, audited, pending, declined, revoked, offline,
    #: not_connected (files)
    connection: str = "approved"
    #: why the school's term dates pause its syncs now (the summer, dates missing), if they do
    term_pause: str | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    #: unique per school and occasion: 'night:2026-12-07', 'day:2026-12-07T10:00'
    key: str
    #: when it runs (UTC)
    at: dt.datetime
    kind: SlotKind
    #: until when it may still run (UTC)
    until: dt.datetime


@dataclass(frozen=True, slots=True)
class Decision:
    school_key: str
    #: slots to queue now (or, with `skip`, to record as skipped)
    due: tuple[Slot, ...]
    #: why the due slots are not run (paused, revoked, offline); None: run them
    skip: str | None
    #: the next slot after now
    next: Slot | None
    #: the next run and why, for a person
    why: str


def decide(rules: Rules, now: dt.datetime, taken: Collection[str] = ()) -> Decision:
    """The school's due and next slots at `now` (aware), given the slot keys already taken."""
    slots = sorted(_slots(rules, now), key=lambda s: s.at)
    due = tuple(s for s in slots if s.at <= now < s.until and s.key not in taken)
    upcoming = next((s for s in slots if s.at > now), None)
    skip = skip_reason(rules)
    return Decision(rules.school_key, due, skip, upcoming, _why(rules, due, upcoming, skip))


def skip_reason(rules: Rules) -> str | None:
    """Why this school's slots are skipped (paused by hand, its connection, its term dates)."""
    if rules.paused:
        return PAUSED
    return SKIPPED_CONNECTION.get(rules.connection) or rules.term_pause


def tonight(rules: Rules, now: dt.datetime) -> Slot:
    """The nightly slot not yet over at `now` (tonight's, or the one running now): what
    `schoolsync scheduler --once --all` queues, as if the night had come."""
    zone = zone_of(rules.timezone)
    today = now.astimezone(zone).date()
    nights = (_night(rules, today + dt.timedelta(days=offset)) for offset in (-1, 0, 1))
    return next(slot for slot in nights if slot.until > now)


def queue_order(trigger: str, due_at: dt.datetime, job_id: int = 0) -> tuple[int, dt.datetime, int]:
    """How queued jobs are taken: manual and expedited first, then the earliest due."""
    return (PRIORITY.get(trigger, len(PRIORITY)), due_at, job_id)


def _slots(rules: Rules, now: dt.datetime) -> Iterator[Slot]:
    zone = zone_of(rules.timezone)
    today = now.astimezone(zone).date()
    for offset in (-1, 0, 1):
        yield _night(rules, today + dt.timedelta(days=offset))
    if rules.daytime_every_hours > 0:
        # Yesterday's (one may still be due just after midnight), then day by day until one is
        # still to come: at most a long weekend away.
        for offset in range(-1, 8):
            slots = list(_daytime(rules, today + dt.timedelta(days=offset)))
            yield from slots
            if offset >= 0 and any(slot.at > now for slot in slots):
                return


def _night(rules: Rules, day: dt.date) -> Slot:
    zone = zone_of(rules.timezone)
    start = rules.window.starts_on(day, zone)
    at = at_offset(start, spread_seconds(rules.school_key, rules.window.seconds()))
    until = rules.window.ends_after(day, zone).astimezone(dt.UTC) + CATCH_UP
    return Slot(f"night:{day.isoformat()}", at, "nightly", until)


def _daytime(rules: Rules, day: dt.date) -> Iterator[Slot]:
    if day.weekday() >= 5:
        return
    zone = zone_of(rules.timezone)
    every = rules.daytime_every_hours * 3600
    span = rules.school_hours.seconds()
    first = spread_seconds(rules.school_key + "/day", min(every, span))
    start = rules.school_hours.starts_on(day, zone)
    for seconds in range(first, span, every):
        at = at_offset(start, seconds)
        local = at.astimezone(zone)
        until = at + dt.timedelta(seconds=every)
        yield Slot(f"day:{day.isoformat()}T{local:%H:%M}", at, "daytime", until)


def _why(rules: Rules, due: tuple[Slot, ...], upcoming: Slot | None, skip: str | None) -> str:
    if skip is not None:
        return skip
    nightly = f"nightly in the window {rules.window} {rules.timezone}"
    daytime = f"every {rules.daytime_every_hours} h in school hours ({rules.school_hours})"
    if due:
        also = f", and {daytime}" if rules.daytime_every_hours else ""
        return f"Due now (the {_kind(due[0])}); {nightly}{also}"
    if upcoming is not None and upcoming.kind == "daytime":
        return f"Daytime sync, {daytime}; also {nightly}"
    also = f"; also {daytime}" if rules.daytime_every_hours else ""
    return f"Nightly autosync, in the window {rules.window} {rules.timezone}{also}"


def _kind(slot: Slot) -> str:
    return "nightly sync" if slot.kind == "nightly" else "daytime sync"
