"""Which schools have let which application in: Wonde's access states, as the sandbox keeps them.

An application is known by its token (one key serves many schools). For each (application,
school) the sandbox remembers one state:

- `pending`:  the application asked (`POST /schools/{id}/request-access`), the school has not
              answered yet;
- `approved`: the school approved it (Wonde's `/schools` and `/schools/approved`); an approved
              school whose profile carries `extended.audit_approved_at` is also `audited`;
- `declined`: the school said no;
- `revoked`:  the school (or the application itself) took access away.

`offline` is not a state of the access but of the school's MIS connector (`FaultPlan.offline`):
an approved school can be offline. Approving issues a per-school token, as Wonde's
`schoolApproved` webhook carries one; revoking forgets it.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

AccessState = Literal["pending", "approved", "declined", "revoked"]
ACCESS_STATES: tuple[AccessState, ...] = ("pending", "approved", "declined", "revoked")
#: What the school can do to a request, and the state it leaves.
DECISIONS: dict[str, AccessState] = {
    "approve": "approved",
    "decline": "declined",
    "revoke": "revoked",
}


@dataclass
class AccessBook:
    """(application token, school id) -> state, the contacts each request named, and the
    per-school tokens approvals issued."""

    states: dict[tuple[str, str], AccessState] = field(default_factory=dict)
    contacts: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    #: per-school token -> (application token, school id)
    school_tokens: dict[str, tuple[str, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def state(self, app_token: str, school_id: str) -> AccessState | None:
        return self.states.get((app_token, school_id))

    def request(
        self, app_token: str, school_id: str, contacts: list[dict[str, Any]]
    ) -> AccessState:
        """Ask for access; a school that already approved stays approved."""
        with self._lock:
            key = (app_token, school_id)
            if self.states.get(key) == "approved":
                return "approved"
            self.states[key] = "pending"
            self.contacts[key] = contacts
            return "pending"

    def decide(self, app_token: str, school_id: str, decision: str) -> tuple[AccessState, str]:
        """The school's answer; returns the new state and, on approval, a fresh school token
        (else "")."""
        state = DECISIONS[decision]
        with self._lock:
            self.states[(app_token, school_id)] = state
            self._forget_tokens(app_token, school_id)
            if state != "approved":
                return state, ""
            token = secrets.token_hex(20)
            self.school_tokens[token] = (app_token, school_id)
            return state, token

    def set_approved(self, app_token: str, school_id: str) -> None:
        with self._lock:
            self.states[(app_token, school_id)] = "approved"

    def schools_in(self, app_token: str, state: AccessState) -> list[str]:
        return [school for (token, school), s in self.states.items() if token == app_token and
                s == state]  # fmt: skip

    def application_of(self, school_token: str) -> tuple[str, str] | None:
        return self.school_tokens.get(school_token)

    def _forget_tokens(self, app_token: str, school_id: str) -> None:
        for token, owner in list(self.school_tokens.items()):
            if owner == (app_token, school_id):
                del self.school_tokens[token]
