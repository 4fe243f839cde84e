"""The scheduler's decision on its own: rules and a clock reading in, slots out. No database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from schoolsync.scheduling import CATCH_UP, Rules, Window, decide, queue_order
from schoolsync.scheduling.windows import spread_seconds

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> dt.datetime:
    """A London wall-clock time ('2026-12-09 03:00') as an aware moment."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@dataclass(frozen=True)
class Case:
    name: str
    rules: Rules
    now: dt.datetime
    taken: frozenset[str] = frozenset()
    due: tuple[str, ...] = ()
    next_key: str | None = None
    skip: str | None = None
    why_has: tuple[str, ...] = field(default=())


CASES = [
    Case(
        "before the window: nothing due, tonight's slot next",
        Rules("sch_a"),
        london("2026-12-09 00:30"),
        next_key="night:2026-12-09",
        why_has=("Nightly autosync, in the window 01:00–05:00 Europe/London",),
    ),
    Case(
        "late in the window: tonight's slot is due",
        Rules("sch_a"),
        london("2026-12-09 04:59"),
        due=("night:2026-12-09",),
        next_key="night:2026-12-10",
        why_has=("Due now (the nightly sync)",),
    ),
    Case(
        "a slot already taken is not due again (one sync per night)",
        Rules("sch_a"),
        london("2026-12-09 04:59"),
        taken=frozenset({"night:2026-12-09"}),
        next_key="night:2026-12-10",
    ),
    Case(
        "just after the window a restarted scheduler catches up",
        Rules("sch_a"),
        london("2026-12-09 05:30"),
        due=("night:2026-12-09",),
        next_key="night:2026-12-10",
    ),
    Case(
        "in school hours a missed night is not run (it waits for the next night)",
        Rules("sch_a"),
        london("2026-12-09 11:00"),
        next_key="night:2026-12-10",
    ),
    Case(
        "daytime cadence: every 2 h in school hours on a weekday",
        Rules("sch_a", daytime_every_hours=2),
        london("2026-12-09 15:59"),
        due=("day:2026-12-09T",),
        why_has=("every 2 h in school hours (08:00–16:00)",),
    ),
    Case(
        "no daytime syncs at the weekend: the next is the night",
        Rules("sch_a", daytime_every_hours=2),
        london("2026-12-12 12:00"),
        next_key="night:2026-12-13",
    ),
    Case(
        "paused: its slots are recorded as skipped, with the reason",
        Rules("sch_a", paused=True),
        london("2026-12-09 04:59"),
        due=("night:2026-12-09",),
        next_key="night:2026-12-10",
        skip="Paused: autosync is off for this school",
        why_has=("Paused",),
    ),
    Case(
        "revoked in Wonde: skipped",
        Rules("sch_a", connection="revoked"),
        london("2026-12-09 00:30"),
        next_key="night:2026-12-09",
        skip="Revoked: the school withdrew this service's access in Wonde",
    ),
    Case(
        "a school that only imports files is not connected: skipped",
        Rules("sch_a", connection="not_connected"),
        london("2026-12-09 00:30"),
        next_key="night:2026-12-09",
        skip="Not connected to Wonde (the school imports files)",
    ),
    Case(
        "a school whose MIS connector is down is offline: skipped",
        Rules("sch_a", connection="offline"),
        london("2026-12-09 00:30"),
        next_key="night:2026-12-09",
        skip="Offline: the school's MIS connector is down",
    ),
    Case(
        "a school still to approve the app: skipped",
        Rules("sch_a", connection="pending"),
        london("2026-12-09 00:30"),
        next_key="night:2026-12-09",
        skip="Waiting for the school to approve this service in Wonde",
    ),
    Case(
        "a window across midnight belongs to the night it starts",
        Rules("sch_a", window=Window.parse("23:00-00:30")),
        london("2026-12-10 01:00"),
        due=("night:2026-12-09",),
        next_key="night:2026-12-10",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_schedule_decides(case: Case) -> None:
    decision = decide(case.rules, case.now.astimezone(dt.UTC), case.taken)
    due = tuple(slot.key for slot in decision.due)
    assert len(due) == len(case.due)
    for got, wanted in zip(due, case.due, strict=True):
        assert got.startswith(wanted)
    if case.next_key is not None:
        assert decision.next is not None and decision.next.key == case.next_key
    assert decision.skip == case.skip
    for words in case.why_has:
        assert words in decision.why


def test_a_schools_nightly_slot_is_the_same_local_minute_every_night_and_in_its_window() -> None:
    rules = Rules("sch_0a1b2c3d")
    times = set()
    for day in range(1, 8):
        now = london(f"2026-12-0{day} 00:00").astimezone(dt.UTC)
        slot = decide(rules, now).next
        assert slot is not None
        local = slot.at.astimezone(LONDON)
        assert dt.time(1, 0) <= local.time() < dt.time(5, 0)
        times.add(local.time())
    assert len(times) == 1


def test_schools_are_spread_over_the_window_not_started_at_once() -> None:
    window = Window.parse("01:00-05:00").seconds()
    minutes = [spread_seconds(f"sch_{n:08x}", window) // 60 for n in range(2000)]
    per_minute = max(minutes.count(m) for m in set(minutes))
    assert len(set(minutes)) > 200  # of 240 minutes
    assert per_minute < 30  # 2,000 schools over 240 minutes: about 8 a minute


def test_each_school_runs_in_its_own_time_zone() -> None:
    rules = Rules("sch_a", timezone="America/New_York")
    now = dt.datetime(2026, 12, 9, 4, 0, tzinfo=dt.UTC)  # 23:00 in New York
    slot = decide(rules, now).next
    assert slot is not None and slot.key == "night:2026-12-09"
    assert dt.time(6, 0) <= slot.at.time() < dt.time(10, 0)  # 01:00-05:00 EST in UTC


def test_across_the_spring_clock_change_the_slot_is_still_in_the_window() -> None:
    now = london("2027-03-28 00:30").astimezone(dt.UTC)  # clocks go forward at 01:00
    slot = decide(Rules("sch_a"), now).next
    assert slot is not None and slot.key == "night:2027-03-28"
    assert slot.at < london("2027-03-28 06:00").astimezone(dt.UTC) + CATCH_UP


def test_manual_and_expedited_runs_jump_the_queue() -> None:
    early = dt.datetime(2026, 12, 9, 1, 0, tzinfo=dt.UTC)
    late = early + dt.timedelta(hours=3)
    jobs = [("scheduled", early, 1), ("manual", late, 2), ("expedited", late, 3)]
    ordered = sorted(jobs, key=lambda job: queue_order(*job))
    assert [trigger for trigger, _, _ in ordered] == ["expedited", "manual", "scheduled"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [("1am-5am", "not a time window"), ("25:00-05:00", "hours 00-24"), ("03:00-03:00", "empty")],
)
def test_a_bad_window_is_named(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as caught:
        Window.parse(text)
    assert text in str(caught.value)
