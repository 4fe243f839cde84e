"""Fixtures: the sandbox on loopback, a school synced from it into SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.sandbox import Sandbox, running_sandbox

from .helpers import TOKEN, Scene, make_scene


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox.demo(seed=5, pupils=120, token=TOKEN)
    sandbox.writebacks.completes_after = 0.2
    with running_sandbox(sandbox) as base_url:
        yield sandbox, base_url


@pytest.fixture
def scene(engine: sa.Engine, settings: Settings, served: tuple[Sandbox, str]) -> Scene:
    return make_scene(engine, settings, *served)
