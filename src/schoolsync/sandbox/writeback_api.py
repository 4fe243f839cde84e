"""Wonde's attendance endpoints over a Sandbox: the codes, session write-backs, their status.

    GET  /v1.0/attendance-codes                         Wonde's global list
    GET  /v1.0/schools/{id}/attendance-codes            the school's list (the same codes)
    POST /v1.0/schools/{id}/attendance/session          {"attendance": [...]} -> {"writeback_id"}
    GET  /v1.0/schools/{id}/attendance/session          the marks the MIS has taken (completed)
    GET  /v1.0/writebacks/{writeback_id}                pending -> completed (or failed)

Checks in order: the school's checks (404, 403, 503 offline), a school whose MIS does not allow
write-back 403 `writeback_not_allowed`, then the body (422 with every field error at once).
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from schoolsync.sandbox.attendance_codes import attendance_codes
from schoolsync.sandbox.protocol import ApiError, paged, visible_school
from schoolsync.sandbox.registry import Sandbox
from schoolsync.sandbox.writebacks import validate_attendance

Record = dict[str, Any]


class WritebackApi:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def codes(self, request: Request, token: str) -> Record:
        school_id = request.path_params.get("school_id")
        if school_id is not None:
            visible_school(self.sandbox, token, school_id)
        return paged(self.sandbox, request, attendance_codes(), list, [])

    def session(self, request: Request, token: str) -> Record:
        school = visible_school(self.sandbox, token, request.path_params["school_id"])
        ledger = self.sandbox.writebacks
        if request.method == "GET":
            return paged(self.sandbox, request, ledger.completed_marks(school.id), list, [])
        if not school.profile.get("extended", {}).get("allows_writeback", False):
            raise ApiError(
                403, "writeback_not_allowed",
                f"School {school.id}'s MIS does not allow write-back.",
            )  # fmt: skip
        try:
            body = orjson.loads(request.state.body or b"null")
        except orjson.JSONDecodeError as error:
            raise ApiError(400, "invalid_request", "The body is not valid JSON.") from error
        with school.lock:
            errors = validate_attendance(body, school.students, school.employees)
        if errors:
            raise ApiError(422, "validation_failed", "The given data was invalid.", errors=errors)
        key = request.headers.get("idempotency-key") or None
        writeback_id, replayed = ledger.accept(school.id, body["attendance"], key)
        return {"writeback_id": writeback_id, "replayed": replayed}

    def status(self, request: Request, token: str) -> Record:
        writeback_id = request.path_params["writeback_id"]
        found = self.sandbox.writebacks.describe(writeback_id)
        owner = self.sandbox.writebacks.writebacks.get(writeback_id)
        if found is None or owner is None or not self.sandbox.may_see(token, owner.school_id):
            raise ApiError(404, "not_found", f"No write-back with id {writeback_id}.")
        return {"data": found}
