"""`schoolsync fleet`: a real process over a store that several workers' runs have filled."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from tests.cli.conftest import schoolsync
from tests.fleet_seed import EXPECTED, FLEET, seed_fleet


def test_fleet_counts_and_lists_the_schools_that_need_a_look(env, engine: sa.Engine) -> None:
    keys = seed_fleet(engine, dt.datetime.now(dt.UTC))
    report = json.loads(schoolsync(env, "fleet", "--json").stdout)
    assert report["total"] == len(FLEET)
    assert report["counts"] == {state: len(names) for state, names in EXPECTED.items()}
    by_name = {s["name"]: s for s in report["schools"]}
    assert by_name["Birchwood Academy"]["health"] == ["failing", "overdue"]
    assert by_name["Birchwood Academy"]["key"] == keys["Birchwood Academy"]
    assert by_name["Cedar Park School"]["status"] == "needs_approval"
    assert "Ashby Primary" not in by_name

    text = schoolsync(env, "fleet").stdout
    assert f"{len(FLEET)} schools" in text and "Overdue: 2" in text and "Paused: 1" in text
    assert "Damson Lane Primary" in text and "Ashby Primary" not in text

    failing = json.loads(schoolsync(env, "fleet", "--state", "failing", "--json").stdout)
    assert [s["name"] for s in failing["schools"]] == ["Birchwood Academy"]
    wrong = schoolsync(env, "fleet", "--state", "late", check=False)
    assert wrong.returncode == 2 and "failing, needs_approval, overdue, paused" in wrong.stderr
