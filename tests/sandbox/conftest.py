"""Fixtures for the sandbox tests: one real server on loopback, schools added per test.

Tests talk to the sandbox the way a client would (httpx over HTTP); anything a test changes
on the shared Sandbox (faults, denied permissions, switches) is put back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from schoolsync.sandbox import Sandbox, SandboxSchool, generate_school, running_sandbox

from .helpers import BIG_SCHOOL_ID, OTHER_TOKEN, TOKEN, FakeClock, Served, add_school


@pytest.fixture(scope="session")
def big_school() -> SandboxSchool:
    """The 2,000-pupil secondary. Read-only: tests that change data make their own school."""
    return generate_school(seed=1, pupils=2000, school_id=BIG_SCHOOL_ID, now=FakeClock())


@pytest.fixture(scope="session")
def served_session(big_school: SandboxSchool) -> Iterator[Served]:
    sandbox = Sandbox()
    sandbox.add_school(big_school, tokens=[TOKEN])
    sandbox.add_token(OTHER_TOKEN)
    with running_sandbox(sandbox) as base_url:
        yield Served(sandbox, base_url)


@pytest.fixture
def served(served_session: Served) -> Iterator[Served]:
    sandbox = served_session.sandbox
    switches = (
        sandbox.default_per_page,
        sandbox.max_per_page,
        sandbox.dob_as_string,
        sandbox.meta_includes,
        sandbox.pagination_when_small,
    )
    yield served_session
    sandbox.faults.clear()
    sandbox.denied.clear()
    (
        sandbox.default_per_page,
        sandbox.max_per_page,
        sandbox.dob_as_string,
        sandbox.meta_includes,
        sandbox.pagination_when_small,
    ) = switches


@pytest.fixture
def api(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=served.base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    ) as client:
        yield client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def school(served: Served, clock: FakeClock) -> SandboxSchool:
    """A small primary of this test's own."""
    return add_school(served, clock)
