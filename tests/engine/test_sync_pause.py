"""The summer pause and the 31 December rule on whole syncs of the sandbox school, under an
injected clock, into SQLite and PostgreSQL: a paused run is recorded with its reason and reads
nothing."""

# ruff: noqa: F811  (the fixtures imported from test_sync_wonde are parameters here)
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from schoolsync.pipeline import sync_school
from schoolsync.sandbox.term_dates import term_dates
from schoolsync.services.terms import save_terms, school_pause
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store.tables import people, sync_runs
from tests.conftest import Clock
from tests.engine.test_sync_wonde import school, served  # noqa: F401

UTC = dt.UTC


def run(engine, settings, key, clock: Clock):
    return sync_school(engine, key, wonde_reader(settings), now=clock, full=True)


def test_no_sync_from_the_end_of_summer_2_until_1_september(
    engine, settings, served, school
) -> None:
    clock = Clock(dt.datetime(2027, 7, 21, 20, 0, tzinfo=UTC))  # the last evening of term
    save_terms(engine, school, term_dates(clock.now.date()), clock.now)
    assert run(engine, settings, school, clock).status == "success"
    clock.now = dt.datetime(2027, 7, 23, 2, 0, tzinfo=UTC)
    # The MIS would fail the run if it were read at all: a paused run reads nothing.
    served[0].faults.server_error(status=502, count=50, path="students")
    paused = run(engine, settings, school, clock)
    assert paused.status == "paused" and paused.counts == {}
    assert "paused for the summer" in (paused.message or "")
    assert "1 September 2027" in (paused.message or "")
    assert school_pause(engine, school, clock.now).reason == "summer"  # what the scheduler asks
    with engine.connect() as conn:
        status, message = conn.execute(
            sa.select(sync_runs.c.status, sync_runs.c.message).order_by(sync_runs.c.id.desc())
        ).first()
    assert status == "paused" and "Summer 2 ended on 21 July 2027" in message
    served[0].faults.clear()
    clock.now = dt.datetime(2027, 9, 1, 2, 0, tzinfo=UTC)
    assert run(engine, settings, school, clock).status == "success"


def test_no_term_dates_warns_every_run_then_pauses_after_31_december(
    engine, settings, school
) -> None:
    clock = Clock(dt.datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    first = run(engine, settings, school, clock)
    assert first.status == "success" and first.counts["student"]["create"] > 0
    assert "no term dates" in (first.message or "") and "31 December 2026" in first.message
    clock.now = dt.datetime(2026, 12, 31, 2, 0, tzinfo=UTC)
    assert "no term dates" in (run(engine, settings, school, clock).message or "")
    clock.now = dt.datetime(2027, 1, 1, 2, 0, tzinfo=UTC)
    with engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(people)).scalar_one()
    paused = run(engine, settings, school, clock)
    assert paused.status == "paused"
    assert f"schoolsync terms {school} --file terms.csv" in (paused.message or "")
    assert "Term dates page" in (paused.message or "")
    save_terms(engine, school, term_dates(clock.now.date()), clock.now)
    after = run(engine, settings, school, clock)
    assert after.status == "success" and after.message is None
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(people)).scalar_one() == before


def test_next_years_term_dates_are_needed_by_31_december(engine, settings, school) -> None:
    clock = Clock(dt.datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    this_year = [t for t in term_dates(clock.now.date()) if t.academic_year == 2026]
    save_terms(engine, school, this_year, clock.now)
    assert run(engine, settings, school, clock).message is None
    clock.now = dt.datetime(2027, 10, 1, 2, 0, tzinfo=UTC)
    warned = run(engine, settings, school, clock)
    assert warned.status == "success" and "2027/28 are missing" in (warned.message or "")
    clock.now = dt.datetime(2028, 1, 2, 2, 0, tzinfo=UTC)
    assert run(engine, settings, school, clock).status == "paused"
