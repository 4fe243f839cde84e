"""Sandbox: everything a running fake Wonde knows besides school data.

Which schools exist, which tokens may see which schools, which permissions a school has
withheld, the queued faults, and the switches for the parts of Wonde's behaviour the protocol
notes leave uncertain (see specs/wonde-api.md §9).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from schoolsync.sandbox.faults import FaultPlan
from schoolsync.sandbox.generator import generate_school
from schoolsync.sandbox.state import SandboxSchool
from schoolsync.sandbox.writebacks import WritebackLedger

# Wonde's own testing school id, so demo URLs look like the ones in Wonde's documentation.
DEMO_SCHOOL_ID = "A1930499544"
DEMO_TOKEN = "sandbox-token"


@dataclass(eq=False)
class Sandbox:
    schools: dict[str, SandboxSchool] = field(default_factory=dict)
    # token -> ids of the schools that have approved it
    tokens: dict[str, set[str]] = field(default_factory=dict)
    # school id -> permission identities the school has not granted (e.g. "contacts.read")
    denied: dict[str, set[str]] = field(default_factory=dict)
    faults: FaultPlan = field(default_factory=FaultPlan)
    #: attendance write-backs accepted, and how they go from pending to completed
    writebacks: WritebackLedger = field(default_factory=WritebackLedger)

    default_per_page: int = 50
    max_per_page: int = 200
    # date_of_birth as "YYYY-MM-DD" instead of a DateTime object (Wonde's form is uncertain).
    dob_as_string: bool = False
    # meta.includes: the includes applied ("applied"), or every include the endpoint offers
    # ("supported", as real responses do).
    meta_includes: Literal["applied", "supported"] = "applied"
    # False drops meta.pagination from one-page results of 50 or fewer, as Wonde's docs say.
    pagination_when_small: bool = True

    # Time spent building responses (not sending them), for benchmarks.
    server_seconds: float = 0.0
    requests_served: int = 0
    change_requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def demo(
        cls,
        seed: int = 1,
        pupils: int = 2000,
        token: str = DEMO_TOKEN,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> Sandbox:
        """One generated school, id A1930499544, approved for `token`."""
        sandbox = cls()
        sandbox.add_school(
            generate_school(seed=seed, pupils=pupils, school_id=DEMO_SCHOOL_ID, now=now),
            tokens=[token],
        )
        return sandbox

    def add_school(self, school: SandboxSchool, tokens: Iterable[str] = ()) -> SandboxSchool:
        self.schools[school.id] = school
        for token in tokens:
            self.approve(token, school.id)
        return school

    def add_token(self, token: str) -> None:
        """A valid token that no school has approved yet (it gets 403s, not 401s)."""
        self.tokens.setdefault(token, set())

    def approve(self, token: str, school_id: str) -> None:
        self.tokens.setdefault(token, set()).add(school_id)

    def revoke(self, token: str, school_id: str) -> None:
        self.tokens.get(token, set()).discard(school_id)

    def deny(self, school_id: str, permission: str) -> None:
        self.denied.setdefault(school_id, set()).add(permission)

    def allow(self, school_id: str, permission: str) -> None:
        self.denied.get(school_id, set()).discard(permission)

    def set_offline(self, school_id: str, offline: bool = True) -> None:
        self.faults.set_offline(school_id, offline)

    def knows(self, token: str) -> bool:
        return token in self.tokens

    def may_see(self, token: str, school_id: str) -> bool:
        return school_id in self.tokens.get(token, set())

    def visible_to(self, token: str) -> list[SandboxSchool]:
        allowed = self.tokens.get(token, set())
        return [school for school_id, school in self.schools.items() if school_id in allowed]

    def record_timing(self, seconds: float) -> None:
        with self._lock:
            self.server_seconds += seconds
            self.requests_served += 1

    def next_change_seed(self) -> int:
        """Seeds for control requests that give none: varied, yet repeatable run to run."""
        with self._lock:
            self.change_requests += 1
            return self.change_requests
