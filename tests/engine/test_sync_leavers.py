"""Leavers and future starters from the MIS's dates, over real HTTP into SQLite and PostgreSQL:
a leaving date passed or no longer active makes the person `left` (data kept), even in an
incremental sync; a future starter is not imported until their start date."""

# ruff: noqa: F811  (the fixtures imported from test_sync_wonde are parameters here)
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from schoolsync.pipeline import sync_school
from schoolsync.sandbox import DEMO_SCHOOL_ID
from schoolsync.sandbox.datetimes import wonde_datetime
from schoolsync.sandbox.term_dates import term_dates
from schoolsync.services.terms import save_terms
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store.tables import people
from tests.conftest import Clock
from tests.engine.test_sync_wonde import school, served  # noqa: F401

STAMP = {"date": "2030-01-01 00:00:00.000000", "timezone_type": 3, "timezone": "UTC"}


def status_of(engine, source_id: str) -> str | None:
    with engine.connect() as conn:
        found: str | None = conn.execute(
            sa.select(people.c.status).where(people.c.source_id == source_id)
        ).scalar_one_or_none()
    return found


def test_dates_decide_who_leaves_and_who_waits(engine, settings, served, school) -> None:
    # The sandbox dates its school from the real today, so the clock starts there too.
    clock = Clock(dt.datetime.now(dt.UTC))
    day = dt.timedelta(days=1)
    mis = served[0].schools[DEMO_SCHOOL_ID]
    pupils = list(mis.students)
    teacher = next(e for e in mis.employees if mis.employment_details[e].get("teaching_staff"))
    # Before the first sync: a pupil admitted next week, and one who left months ago.
    with mis.lock:
        mis.education_details[pupils[0]]["admission_date"] = wonde_datetime(clock.now + 7 * day)
        mis.education_details[pupils[1]]["leaving_date"] = wonde_datetime(clock.now - 120 * day)
    # Term dates with no summer gap, so that the day this test runs on never pauses it.
    terms = [
        t
        if t.term != "summer2"
        else dataclasses.replace(t, ends_on=t.ends_on.replace(day=31, month=8))
        for t in term_dates(clock.now.date())
    ]
    save_terms(engine, school, terms, clock.now)
    read = wonde_reader(settings)
    first = sync_school(engine, school, read, now=clock)
    assert status_of(engine, pupils[0]) is None  # not imported before their start date
    assert status_of(engine, pupils[1]) is None  # a leaver is never created
    assert first.counts["student"]["create"] == len(pupils) - 2
    # The MIS marks a pupil as left and a teacher's employment as ended: an incremental
    # sync (which sees only what changed) makes both leave, their records kept.
    with mis.lock:
        mis.education_details[pupils[2]]["leaving_date"] = wonde_datetime(clock.now - 2 * day)
        mis.students[pupils[2]]["updated_at"] = dict(STAMP)
        mis.employment_details[teacher]["current"] = False
        mis.employees[teacher]["updated_at"] = dict(STAMP)
    clock.advance(hours=1)
    second = sync_school(engine, school, read, now=clock)
    assert second.mode == "incremental"
    assert second.counts["student"] == {"leave": 1} and second.counts["teacher"] == {"leave": 1}
    assert status_of(engine, pupils[2]) == "left" and status_of(engine, teacher) == "left"
    # On their admission date the new pupil arrives.
    clock.advance(days=8)
    third = sync_school(engine, school, read, now=clock, full=True)
    assert third.counts["student"] == {"create": 1}
    assert status_of(engine, pupils[0]) == "active"
