"""`schoolsync schedule` and the schedule's school settings, as a user runs them; and a sync
refused because another is running: no failed run, no email, and it says so."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from schoolsync.sandbox import Sandbox, running_sandbox
from schoolsync.store import lock
from schoolsync.store.tables import schools, sync_runs
from tests.cli.conftest import TOKEN, add_school, schoolsync
from tests.engine.test_safeguards import Inbox, inbox

__all__ = ["inbox"]  # the fixture, shared


def shown(env: dict[str, str]) -> dict[str, dict[str, str]]:
    return {row["school"]: row for row in json.loads(schoolsync(env, "schedule", "--json").stdout)}


def test_schedule_shows_every_schools_next_run_and_why(env) -> None:
    key = add_school(env, "http://127.0.0.1:9/v1.0/")
    files = schoolsync(env, "school", "add", "--name", "Files Only").stdout.split()[-1]
    rows = shown(env)
    assert rows[files]["state"] == "skipped" and rows[files]["next_run"] is None
    assert rows[files]["why"] == "Not connected to Wonde (the school imports files)"
    nightly = rows[key]
    assert "window 01:00–05:00 Europe/London" in nightly["why"]
    # Run inside London's night window (CI may), a school whose slot has passed is due now.
    london_now = dt.datetime.now(ZoneInfo("Europe/London")).time()
    in_window = dt.time(1, 0) <= london_now < dt.time(5, 0)
    assert nightly["state"] in (("due", "scheduled") if in_window else ("scheduled",))
    if nightly["state"] == "scheduled":
        at = dt.datetime.fromisoformat(nightly["next_run"])
        assert dt.time(1, 0) <= at.astimezone(ZoneInfo("Europe/London")).time() < dt.time(5, 0)
        assert at > dt.datetime.now(dt.UTC)

    schoolsync(env, "school", "settings", key, "--timezone", "America/New_York")
    at = dt.datetime.fromisoformat(shown(env)[key]["next_run"])
    assert dt.time(1, 0) <= at.astimezone(ZoneInfo("America/New_York")).time() < dt.time(5, 0)
    assert not dt.time(1, 0) <= at.astimezone(ZoneInfo("Europe/London")).time() < dt.time(5, 0)

    schoolsync(env, "school", "settings", key, "--paused")
    assert shown(env)[key]["why"] == "Paused: autosync is off for this school"
    schoolsync(env, "school", "settings", key, "--resumed", "--daytime-every", "2")
    assert "every 2 h in school hours (08:00–16:00)" in shown(env)[key]["why"]
    table = schoolsync(env, "schedule").stdout
    assert "Larkfield Academy" in table and "Files Only" in table


def test_a_bad_schedule_setting_is_named_and_nothing_is_stored(env) -> None:
    key = add_school(env, "http://127.0.0.1:9/v1.0/")
    for option, value, words in (
        ("--sync-window", "1am", "sync_window: '1am' is not a time window"),
        ("--timezone", "Mars/Olympus", "timezone: 'Mars/Olympus' is not a time zone"),
        ("--daytime-every", "30", "daytime_every_hours must be a whole number of hours"),
    ):
        bad = schoolsync(env, "school", "settings", key, option, value, check=False)
        assert bad.returncode == 2 and words in bad.stderr
    settings = json.loads(schoolsync(env, "school", "settings", key, "--json").stdout)
    assert (settings["sync_window"], settings["timezone"]) == ("01:00-05:00", "Europe/London")


def test_a_sync_refused_because_another_runs_is_no_failed_run_and_no_email(
    env, engine, inbox: tuple[Inbox, int]
) -> None:
    box = Sandbox.demo(seed=3, pupils=30, token=TOKEN)
    with running_sandbox(box) as base_url:
        key = add_school(env, base_url)
        schoolsync(env, "school", "settings", key, "--alert-email", "head@larkfield.example.org")
        now = dt.datetime.now(dt.UTC)
        with engine.begin() as conn:  # a live sync (this test's process) holds the school
            run = conn.execute(
                sa.insert(sync_runs).values(school_id=1, trigger="scheduled", source="wonde",
                    mode="full", status="running", started_at=now, counts={})
                .returning(sync_runs.c.id)
            ).scalar_one()  # fmt: skip
            conn.execute(sa.update(schools).values(lock_run_id=run, lock_taken_at=now,
                         lock_renewed_at=now, lock_owner=lock.this_process()))  # fmt: skip
        smtp = {**env, "SCHOOLSYNC_SMTP_HOST": "127.0.0.1", "SCHOOLSYNC_SMTP_PORT": str(inbox[1])}
        refused = schoolsync(smtp, "sync", key, check=False)
    assert refused.returncode == 1
    assert "is already being synced" in refused.stderr
    history = json.loads(schoolsync(env, "history", key, "--json").stdout)
    assert [run["status"] for run in history] == ["running"]  # no failed run
    assert inbox[0].messages == []  # and no email
