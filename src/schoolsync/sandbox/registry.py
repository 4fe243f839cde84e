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

from schoolsync.sandbox.access import AccessBook
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
    #: request-access, approvals and the per-school tokens they issue (see access.py)
    access: AccessBook = field(default_factory=AccessBook)
    #: where Wonde's webhooks go (schoolApproved, accessRevoked, ...); None sends none
    webhook_url: str | None = None
    #: every webhook sent, oldest first: {"payload_type", "school_id", "status"} (no tokens)
    webhook_deliveries: list[dict[str, object]] = field(default_factory=list)

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
        approved: bool = True,
    ) -> Sandbox:
        """One generated school, id A1930499544, approved for `token` (or, not `approved`,
        waiting for the application to ask for access)."""
        sandbox = cls()
        school = generate_school(seed=seed, pupils=pupils, school_id=DEMO_SCHOOL_ID, now=now)
        sandbox.add_school(school, tokens=[token] if approved else [])
        sandbox.add_token(token)
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
        self.access.set_approved(token, school_id)

    def revoke(self, token: str, school_id: str) -> None:
        self.tokens.get(token, set()).discard(school_id)
        if self.access.state(token, school_id) is not None:
            self.access.decide(token, school_id, "revoke")

    def decide_access(self, token: str, school_id: str, decision: str) -> tuple[str, str]:
        """The school answers the application's request (or takes access away): returns the
        new state and, on approval, the per-school token."""
        state, school_token = self.access.decide(token, school_id, decision)
        if state == "approved":
            self.tokens.setdefault(token, set()).add(school_id)
        else:
            self.tokens.get(token, set()).discard(school_id)
        return state, school_token

    def deny(self, school_id: str, permission: str) -> None:
        self.denied.setdefault(school_id, set()).add(permission)

    def allow(self, school_id: str, permission: str) -> None:
        self.denied.get(school_id, set()).discard(permission)

    def set_offline(self, school_id: str, offline: bool = True) -> None:
        self.faults.set_offline(school_id, offline)

    def knows(self, token: str) -> bool:
        return token in self.tokens or self.access.application_of(token) is not None

    def may_see(self, token: str, school_id: str) -> bool:
        return school_id in self._allowed(token)

    def visible_to(self, token: str) -> list[SandboxSchool]:
        allowed = self._allowed(token)
        return [school for school_id, school in self.schools.items() if school_id in allowed]

    def _allowed(self, token: str) -> set[str]:
        """An application's token sees the schools that approved it; a per-school token, its
        one school while the approval stands."""
        owner = self.access.application_of(token)
        if owner is not None:
            app_token, school_id = owner
            return {school_id} & self.tokens.get(app_token, set())
        return self.tokens.get(token, set())

    def record_timing(self, seconds: float) -> None:
        with self._lock:
            self.server_seconds += seconds
            self.requests_served += 1

    def next_change_seed(self) -> int:
        """Seeds for control requests that give none: varied, yet repeatable run to run."""
        with self._lock:
            self.change_requests += 1
            return self.change_requests
