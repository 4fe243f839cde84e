"""A fleet of sandbox schools: England's mix of sizes, the same every time, each school its own
Wonde id, all listed over HTTP for the one token."""

from __future__ import annotations

import httpx

from schoolsync.sandbox import running_sandbox
from schoolsync.sandbox.fleet import fleet_sizes, generate_fleet


def test_sizes_are_sixty_percent_primaries_and_repeat_by_seed() -> None:
    sizes = fleet_sizes(200, seed=1)
    primaries = [n for n in sizes if n <= 450]
    secondaries = [n for n in sizes if n >= 800]
    assert (len(primaries), len(secondaries)) == (120, 80)
    assert all(150 <= n <= 450 for n in primaries) and all(n <= 2000 for n in secondaries)
    assert fleet_sizes(200, seed=1) == sizes and fleet_sizes(200, seed=2) != sizes


def test_a_small_fleet_is_served_school_by_school() -> None:
    box = generate_fleet(5, seed=3, token="fleet-token")
    sizes = fleet_sizes(5, seed=3)
    assert [len(s.students) for s in box.schools.values()] == sizes
    with running_sandbox(box) as base_url:
        headers = {"Authorization": "Bearer fleet-token"}
        listed = httpx.get(f"{base_url}schools", headers=headers).json()["data"]
        assert sorted(s["id"] for s in listed) == sorted(box.schools)
        assert len(set(box.schools)) == 5
        last = listed[-1]["id"]
        counts = httpx.get(f"{base_url}schools/{last}/counts?include=students", headers=headers)
        assert counts.json()["data"]["students"]["data"]["count"] == len(box.schools[last].students)
