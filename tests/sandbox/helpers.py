"""Shared helpers for the sandbox tests: a fake clock, the served sandbox, paging."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from schoolsync.sandbox import Sandbox, SandboxSchool, generate_school

TOKEN = "test-token"
OTHER_TOKEN = "token-of-another-app"
START = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
BIG_SCHOOL_ID = "A1930499544"

_school_ids = itertools.count(1_500_000_001)


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime = START) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@dataclass
class Served:
    sandbox: Sandbox
    base_url: str  # http://127.0.0.1:PORT/v1.0/

    @property
    def control_url(self) -> str:
        return self.base_url.replace("/v1.0/", "/sandbox/")


def add_school(
    served: Served, clock: FakeClock, *, pupils: int = 150, seed: int = 7
) -> SandboxSchool:
    """A fresh school of its own (unique id) on the shared server, for tests that change data."""
    school = generate_school(seed=seed, pupils=pupils, school_id=f"A{next(_school_ids)}", now=clock)
    served.sandbox.add_school(school, tokens=[TOKEN])
    return school


def fetch_all(client: httpx.Client, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every record of a list endpoint, following meta.pagination.next as Wonde's clients do."""
    response = client.get(url, params=params)
    records: list[dict[str, Any]] = []
    while True:
        response.raise_for_status()
        body = response.json()
        records += body["data"]
        following = body["meta"]["pagination"]["next"]
        if following is None:
            return records
        response = client.get(following)
