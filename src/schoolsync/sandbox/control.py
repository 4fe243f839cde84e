"""The sandbox's own control endpoints under /sandbox (not part of Wonde).

They let tests and the CLI drive a sandbox running in another process:
- `GET /sandbox/schools`: the schools this token sees (ids, names, counts; never tokens).
- `POST /sandbox/schools/{id}/changes`: `{"kind": "leaver", "count": 1, "seed": 3}` or
  `{"random": 20, "seed": 5}` -> `{"applied": [descriptions]}`.
- `POST /sandbox/schools/{id}/offline`: `{"offline": true|false}`.
- `GET /sandbox/schools/{id}/writebacks`: every attendance mark the school's MIS received (once
  each, with its write-back id and state) and how many POSTs repeated an idempotency key;
  `POST` `{"allows_writeback": false, "completes_after": 0.1, "fail_next": 2}` changes how
  the MIS takes them.
- `POST /sandbox/faults`: a fault (see faults.py), or `{"kind": "offline"|"online",
  "school_id": ...}`; `GET` lists what is pending; `DELETE` clears everything.
"""

from __future__ import annotations

import random
from typing import Any

from starlette.requests import Request

from schoolsync.sandbox.changes import CHANGE_KINDS, apply_change, apply_random_changes
from schoolsync.sandbox.faults import Fault
from schoolsync.sandbox.protocol import ApiError, visible_school
from schoolsync.sandbox.registry import Sandbox
from schoolsync.sandbox.state import COLLECTIONS

Record = dict[str, Any]


def _object(body: Any, what: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(422, "validation_failed", f"Send a JSON object {what}.")
    return body


class ControlApi:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def schools(self, request: Request, token: str, body: Any) -> Record:
        return {
            "data": [
                {
                    "id": school.id,
                    "name": school.name,
                    "phase_of_education": school.profile.get("phase_of_education"),
                    "offline": self.sandbox.faults.is_offline(school.id),
                    "counts": {kind: len(school.collection(kind)) for kind in COLLECTIONS},
                }
                for school in self.sandbox.visible_to(token)
            ]
        }

    def changes(self, request: Request, token: str, body: Any) -> Record:
        school_id = request.path_params["school_id"]
        school = visible_school(self.sandbox, token, school_id, data=False)
        asked = _object(body, "naming a change kind, or random and seed")
        try:
            seed = int(asked.get("seed", self.sandbox.next_change_seed()))
            if "random" in asked:
                return {"applied": apply_random_changes(school, int(asked["random"]), seed)}
            kind = str(asked.get("kind"))
            if kind not in CHANGE_KINDS:
                raise ValueError(
                    f"unknown change kind {kind!r}; valid kinds: {', '.join(CHANGE_KINDS)}"
                )
            rng = random.Random(seed)
            count = int(asked.get("count", 1))
            return {"applied": [apply_change(school, kind, rng) for _ in range(count)]}
        except (TypeError, ValueError) as error:
            raise ApiError(422, "validation_failed", str(error)) from error

    def offline(self, request: Request, token: str, body: Any) -> Record:
        school_id = request.path_params["school_id"]
        school = visible_school(self.sandbox, token, school_id, data=False)
        offline = bool(_object(body, "with offline true or false").get("offline", True))
        self.sandbox.set_offline(school.id, offline)
        return {"id": school.id, "offline": offline}

    def writebacks(self, request: Request, token: str, body: Any) -> Record:
        school_id = request.path_params["school_id"]
        school = visible_school(self.sandbox, token, school_id, data=False)
        ledger = self.sandbox.writebacks
        if request.method == "POST":
            asked = _object(body, "with allows_writeback, completes_after or fail_next")
            try:
                if "allows_writeback" in asked:
                    with school.lock:
                        extended = school.profile.setdefault("extended", {})
                        extended["allows_writeback"] = bool(asked["allows_writeback"])
                if "completes_after" in asked:
                    ledger.completes_after = max(0.0, float(asked["completes_after"]))
                if "fail_next" in asked:
                    ledger.fail_next = max(0, int(asked["fail_next"]))
            except (TypeError, ValueError) as error:
                raise ApiError(422, "validation_failed", str(error)) from error
        return {
            "data": ledger.received(school.id),
            "replays": ledger.replays,
            "allows_writeback": bool(school.profile.get("extended", {}).get("allows_writeback")),
        }

    def add_fault(self, request: Request, token: str, body: Any) -> Record:
        asked = _object(body, "describing the fault")
        if asked.get("kind") in ("offline", "online"):
            # Not a queued fault but a state: the school stays offline until set online.
            school = visible_school(self.sandbox, token, str(asked.get("school_id")), data=False)
            self.sandbox.set_offline(school.id, asked["kind"] == "offline")
            return self.faults(request, token, body)
        try:
            fault = self.sandbox.faults.add(Fault.from_json(asked))
        except ValueError as error:
            raise ApiError(422, "validation_failed", str(error)) from error
        return {"queued": fault.describe(), "pending": self.sandbox.faults.pending()}

    def faults(self, request: Request, token: str, body: Any) -> Record:
        if request.method == "DELETE":
            self.sandbox.faults.clear()
        return {
            "pending": self.sandbox.faults.pending(),
            "offline": sorted(self.sandbox.faults.offline),
        }
