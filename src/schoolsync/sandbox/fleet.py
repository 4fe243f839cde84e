"""A fleet of generated schools behind one sandbox, for the nightly benchmark and the
distributed tests: `schoolsync sandbox serve --fleet 200 --seed 1`.

Sizes follow England's mix as the benchmark asks for it: 60% primaries of 150-450 pupils, 40%
secondaries of 800-2,000, drawn from `seed`, so the same fleet comes back every time. Every
school has its own Wonde id (`fleet_school_id`) and is approved for the one token.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from schoolsync.sandbox.generator import generate_school
from schoolsync.sandbox.registry import DEMO_TOKEN, Sandbox

PRIMARY_SHARE = 0.6
PRIMARY_PUPILS = (150, 450)
SECONDARY_PUPILS = (800, 2000)


def fleet_sizes(schools: int, seed: int = 1) -> list[int]:
    """The pupils of each school, primaries and secondaries shuffled together."""
    if schools < 1:
        raise ValueError("a fleet needs at least one school")
    rng = random.Random(f"schoolsync-fleet/{seed}")
    primaries = round(schools * PRIMARY_SHARE)
    sizes = [rng.randint(*PRIMARY_PUPILS) for _ in range(primaries)]
    sizes += [rng.randint(*SECONDARY_PUPILS) for _ in range(schools - primaries)]
    rng.shuffle(sizes)
    return sizes


def fleet_school_id(seed: int, index: int) -> str:
    """A Wonde-shaped id (A and ten digits), distinct for each school of each seed."""
    return f"A{1_000_000_000 + seed * 100_000 + index}"


def generate_fleet(
    schools: int,
    seed: int = 1,
    token: str = DEMO_TOKEN,
    *,
    now: Callable[[], datetime] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Sandbox:
    """A sandbox serving `schools` generated schools, all approved for `token`."""
    sandbox = Sandbox()
    sizes = fleet_sizes(schools, seed)
    for index, pupils in enumerate(sizes):
        school = generate_school(
            seed=seed * 100_000 + index,
            pupils=pupils,
            school_id=fleet_school_id(seed, index),
            now=now,
        )
        sandbox.add_school(school, tokens=[token])
        if progress is not None:
            progress(index + 1, schools)
    return sandbox
