"""The summer pause and the 31 December rule, as pure rules on a given day."""

from __future__ import annotations

import datetime as dt

import pytest

from schoolsync.engine.pause import pause_state, school_today
from schoolsync.sandbox.term_dates import term_dates

D = dt.date
TERMS_2026 = [t for t in term_dates(D(2026, 10, 1)) if t.academic_year == 2026]


@pytest.mark.parametrize(
    ("name", "terms", "today", "first", "reason", "says"),
    [
        ("in term", TERMS_2026, D(2027, 3, 1), D(2026, 9, 10), None, ""),
        ("last day of summer 2", TERMS_2026, D(2027, 7, 21), None, None, ""),
        ("summer holiday", TERMS_2026, D(2027, 7, 22), None, "summer", "1 September 2027"),
        ("31 August", TERMS_2026, D(2027, 8, 31), None, "summer", "Nothing to do"),
        ("new year, before 31 Dec", TERMS_2026, D(2027, 9, 1), None, None,
         "The term dates of 2027/28 are missing. Enter them by 31 December 2027"),
        ("new year, after 31 Dec", TERMS_2026, D(2028, 1, 1), None, "term_dates_missing",
         "the term dates of 2027/28 were needed by 31 December 2027"),
        ("none, first synced this autumn", [], D(2026, 12, 31), D(2026, 11, 24), None,
         "This school has no term dates. Enter those of 2026/27 by 31 December 2026"),
        ("none, after the 31 December after the first sync", [], D(2027, 1, 1),
         D(2026, 11, 24), "term_dates_missing", "this school has no term dates"),
        ("none, first synced in January", [], D(2027, 6, 1), D(2027, 1, 5), None,
         "by 31 December 2027"),
        ("none, never synced", [], D(2027, 6, 1), None, None, "by 31 December 2027"),
    ],
)  # fmt: skip
def test_pause_rules(name, terms, today, first, reason, says) -> None:
    state = pause_state(terms, today, first, "sch_1")
    assert state.reason == reason, name
    assert says in state.message, name
    if state.message and reason != "summer":
        # exactly what to do and where
        assert "Term dates page" in state.message
        assert "schoolsync terms sch_1 --file terms.csv" in state.message
    assert state.paused == (reason is not None)
    assert (state.warning is not None) == (reason is None and bool(says))


def test_the_day_is_the_schools_own() -> None:
    # 23:30 UTC on 21 July is already 22 July in London (BST): the summer pause has begun.
    late = dt.datetime(2027, 7, 21, 23, 30, tzinfo=dt.UTC)
    assert school_today(late, "Europe/London") == D(2027, 7, 22)
    assert pause_state(TERMS_2026, school_today(late, "Europe/London"), None, "k").paused
    assert school_today(late, "Not/AZone") == D(2027, 7, 22)  # a bad zone: the UK's
