"""A fleet of generated schools in one sandbox, for the scheduler's and workers' tests and the
fleet benchmark: one token sees them all, each has its own Wonde id, and sizes are drawn from a
seed, so the same call gives the same fleet.

    box = fleet(50, pupils=30)                       # 50 schools of 30 pupils
    box = fleet(200, pupils=mixed_sizes)             # 60% primaries, 40% secondaries
    for school_id in fleet_ids(box): ...
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from schoolsync.sandbox.generator import generate_school
from schoolsync.sandbox.registry import DEMO_TOKEN, Sandbox

#: How many pupils the n-th school of a fleet has, drawn from the fleet's own random stream.
Sizes = Callable[[random.Random, int], int]


def mixed_sizes(rng: random.Random, _n: int) -> int:
    """A vendor's mix: 60% primaries of 150-450 pupils, 40% secondaries of 800-2,000."""
    if rng.random() < 0.6:
        return rng.randint(150, 450)
    return rng.randint(800, 2000)


def fleet_school_id(n: int) -> str:
    """The Wonde id of the n-th school of a fleet (0-based): stable, and unlike a real one."""
    return f"F{n:09d}"


def fleet(
    count: int,
    *,
    seed: int = 1,
    pupils: int | Sizes = 30,
    token: str = DEMO_TOKEN,
    now: Callable[[], datetime] | None = None,
) -> Sandbox:
    """A sandbox serving `count` generated schools, all approved for `token`."""
    if count < 1:
        raise ValueError("a fleet needs at least one school")
    rng = random.Random(f"schoolsync-fleet/{seed}")
    box = Sandbox()
    for n in range(count):
        size = pupils if isinstance(pupils, int) else pupils(rng, n)
        school = generate_school(seed=seed * 100_003 + n, pupils=size,
                                 school_id=fleet_school_id(n), now=now)  # fmt: skip
        box.add_school(school, tokens=[token])
    return box


def fleet_ids(box: Sandbox) -> list[str]:
    """The Wonde ids of a fleet's schools, in order."""
    return sorted(box.schools)
