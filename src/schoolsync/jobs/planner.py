"""What the scheduler queues: each school's due slots (nightly, daytime), once per slot; a
paused, revoked or offline school's slots are recorded as skipped with the reason."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from schoolsync.scheduling import tonight
from schoolsync.services.scheduling import decisions, rules_of
from schoolsync.store import queue


def plan_due(engine: sa.Engine, now: dt.datetime) -> list[int]:
    """Queue every school's due slots; the ids of the jobs queued (skipped slots are only
    recorded, with the reason)."""
    runs, skips = [], []
    with engine.begin() as conn:
        for school, decision in decisions(conn, now):
            for slot in decision.due:
                if decision.skip:
                    skips.append(_skipped(school.id, slot.key, now, decision.skip))
                else:
                    runs.append(queue.NewJob(school.id, slot.key, now))
        queue.add_jobs(conn, skips, now)
        return queue.add_jobs(conn, runs, now)


def plan_all(engine: sa.Engine, now: dt.datetime) -> list[int]:
    """Queue every school's night now, as if it had come (`scheduler --once --all`); a night
    already queued is not queued twice."""
    from schoolsync.scheduling.decide import skip_reason
    from schoolsync.services.scheduling import with_term_pause
    from schoolsync.store.schools import list_schools

    runs, skips = [], []
    with engine.begin() as conn:
        for school in list_schools(conn):
            rules = rules_of(school)
            if skip_reason(rules) is None:
                rules = with_term_pause(conn, school, rules, now)
            skip = skip_reason(rules)
            slot = tonight(rules, now).key
            if skip:
                skips.append(_skipped(school.id, slot, now, skip))
            else:
                runs.append(queue.NewJob(school.id, slot, now))
        queue.add_jobs(conn, skips, now)
        return queue.add_jobs(conn, runs, now)


def _skipped(school_id: int, slot: str, now: dt.datetime, reason: str) -> queue.NewJob:
    return queue.NewJob(school_id, slot, now, state=queue.SKIPPED, reason=reason)
