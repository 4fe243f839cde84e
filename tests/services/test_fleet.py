"""Fleet health from the store (SQLite and PostgreSQL): each state, counted and listed."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from schoolsync.errors import BadInput
from schoolsync.model.fleet import HEALTH
from schoolsync.services.fleet import fleet_health, health_counts
from tests.fleet_seed import EXPECTED, FLEET, NOW, seed_fleet


def test_each_state_counts_and_lists_its_schools(engine: sa.Engine) -> None:
    keys = seed_fleet(engine)
    health = fleet_health(engine, NOW)
    assert health.total == len(FLEET)
    assert health.counts == {h: len(EXPECTED[h]) for h in HEALTH}
    listed = {s.name: s.health for s in health.schools}
    for state, names in EXPECTED.items():
        assert sorted(n for n, states in listed.items() if state in states) == names
    assert "Ashby Primary" not in listed and "Gorse Hill Primary" not in listed
    birch = next(s for s in health.schools if s.name == "Birchwood Academy")
    assert (birch.key, birch.status) == (keys["Birchwood Academy"], "failed")
    assert birch.last_synced is not None and (NOW - birch.last_synced).total_seconds() == 60 * 3600


def test_one_state_only_and_a_wrong_state_is_named(engine: sa.Engine) -> None:
    seed_fleet(engine)
    overdue = fleet_health(engine, NOW, "overdue")
    assert [s.name for s in overdue.schools] == EXPECTED["overdue"]
    assert health_counts(engine, NOW)["total"] == len(FLEET)
    with pytest.raises(BadInput, match="unknown state 'late'"):
        fleet_health(engine, NOW, "late")


def test_a_night_later_the_healthy_school_is_overdue_too(engine: sa.Engine) -> None:
    seed_fleet(engine)
    later = fleet_health(engine, NOW + dt.timedelta(hours=20), "overdue")
    assert "Ashby Primary" in [s.name for s in later.schools]
