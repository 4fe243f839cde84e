"""Each school's schedule as people see it (`schoolsync schedule`, the Schools page): its next
run and why, from the pure decision (`scheduling/`) and what the queue already holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from schoolsync.scheduling import Decision, Rules, Window, decide

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.store.schools import School

#: How far back the queue is read for slots already taken (a night and a catch-up fit).
TAKEN_SINCE = dt.timedelta(days=3)


@dataclass(frozen=True, slots=True)
class NextRun:
    school_key: str
    school_name: str
    timezone: str
    #: when it runs next (UTC); None when it is queued or running now
    at: dt.datetime | None
    #: queued, running, due, scheduled or skipped
    state: str
    why: str

    def local_time(self) -> str:
        """'Tue 03:17' in the school's own time zone, or the state when there is no time."""
        if self.at is None:
            return self.state.capitalize()
        from zoneinfo import ZoneInfo

        return f"{self.at.astimezone(ZoneInfo(self.timezone)):%a %d %b %H:%M}"

    def to_json(self) -> dict[str, str | None]:
        return {
            "school": self.school_key,
            "name": self.school_name,
            "next_run": self.at.isoformat() if self.at else None,
            "timezone": self.timezone,
            "state": self.state,
            "why": self.why,
        }


def rules_of(school: School) -> Rules:
    settings = school.settings
    return Rules(
        school_key=school.key,
        timezone=school.timezone,
        window=Window.parse(settings.sync_window),
        daytime_every_hours=settings.daytime_every_hours,
        school_hours=Window.parse(settings.school_hours),
        paused=settings.paused,
        connection=school.state,
    )


def with_term_pause(conn: sa.Connection, school: School, rules: Rules, now: dt.datetime) -> Rules:
    """The rules with the school's term-dates pause, if its term dates pause it now."""
    from schoolsync.pausing import sync_pause

    pause = sync_pause(conn, school, now)
    if not pause.paused:
        return rules
    return replace(rules, term_pause=pause.message or "Paused by the school's term dates")


def decisions(
    conn: sa.Connection,
    now: dt.datetime,
    school_ids: list[int] | None = None,
    *,
    every_term_pause: bool = False,
) -> list[tuple[School, Decision]]:
    """Every school (or those of `school_ids`) with the scheduler's decision for it at `now`.
    Term dates are read for the schools with a slot due (their pause is what skips it), or for
    every school with `every_term_pause` (to show each one's next run)."""
    from schoolsync.store.queue import taken_slots
    from schoolsync.store.schools import list_schools

    taken = taken_slots(conn, now - TAKEN_SINCE, school_ids)
    decided = []
    for school in list_schools(conn, school_ids):
        rules = rules_of(school)
        mine = taken.get(school.id, set())
        decision = decide(rules, now, mine)
        if decision.skip is None and (decision.due or every_term_pause):
            paused = with_term_pause(conn, school, rules, now)
            if paused is not rules:
                decision = decide(paused, now, mine)
        decided.append((school, decision))
    return decided


def next_runs(
    engine: sa.Engine, now: dt.datetime, school_ids: list[int] | None = None
) -> list[NextRun]:
    """Every school's next run and why at `now`, or those of `school_ids` (a page of the
    Schools overview)."""
    with engine.connect() as conn:
        return next_runs_of(conn, now, school_ids)


def next_runs_of(
    conn: sa.Connection, now: dt.datetime, school_ids: list[int] | None = None
) -> list[NextRun]:
    """The next run of every school, or of those of `school_ids` (a page of the overview)."""
    from schoolsync.store.queue import open_jobs

    decided = decisions(conn, now, school_ids, every_term_pause=True)
    waiting = open_jobs(conn, school_ids)
    shown = []
    for school, decision in decided:
        job = waiting.get(school.id)
        if job is not None:
            why = "Syncing now" if job.state == "running" else f"In the queue ({job.trigger})"
            shown.append(NextRun(school.key, school.name, school.timezone, None, job.state, why))
            continue
        state = "skipped" if decision.skip else ("due" if decision.due else "scheduled")
        at = None if decision.due or decision.skip else _at(decision)
        shown.append(NextRun(school.key, school.name, school.timezone, at, state, decision.why))
    return shown


def _at(decision: Decision) -> dt.datetime | None:
    return decision.next.at if decision.next else None
