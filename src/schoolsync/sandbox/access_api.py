"""Access over HTTP: Wonde's request-access and state listings, and the sandbox's controls that
play the school's part (approve, decline, revoke, switch MIS) and send the matching webhook.

Wonde (`/v1.0`, specs/wonde-api.md §2):
    GET    /schools/pending | /audited | /declined | /revoked | /offline   by access state
    GET    /schools/all?postcode=&la_code=&establishment_number=&urn=      every school (search)
    POST   /schools/{id}/request-access   {"contacts": [...]} -> {"success", "state", "message"}
    DELETE /schools/{id}/revoke-access    the application gives access up (no webhook)

Controls (`/sandbox`, not part of Wonde):
    POST /sandbox/schools/{id}/access      {"decision": "approve"|"decline"|"revoke",
                                            "reason": "...", "encoding": "json"|"form"}
    POST /sandbox/schools/{id}/mis-switch  {"to": "Arbor", "seed": 1, "unlinkable_classes": 0}
    POST /sandbox/webhook                  {"url": "http://..."} (null stops sending)
    GET  /sandbox/webhook                  the URL and every delivery so far (never a token)

A decision's webhook is sent after the state has changed, off the event loop: the receiver is
expected to call the API back (to confirm an approval) before it answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from schoolsync.sandbox.access import DECISIONS
from schoolsync.sandbox.datetimes import utc_now
from schoolsync.sandbox.migration import switch_mis
from schoolsync.sandbox.protocol import ApiError, authenticate, error_response, json_response
from schoolsync.sandbox.registry import Sandbox
from schoolsync.sandbox.state import SandboxSchool
from schoolsync.sandbox.webhooks import (
    ENCODINGS,
    Encoding,
    access_payload,
    deliver,
    migration_payload,
)

Record = dict[str, Any]
Handler = Callable[[Request, str, Record], Awaitable[Record]]
Listing = Callable[[Request, str], Any]

#: The listings by access state, besides /schools (approved).
STATE_LISTINGS = ("pending", "audited", "declined", "revoked", "offline")
_SEARCH_FILTERS = ("la_code", "establishment_number", "urn")


def _school(sandbox: Sandbox, school_id: str) -> SandboxSchool:
    school = sandbox.schools.get(school_id)
    if school is None:
        raise ApiError(404, "not_found", f"No school with id {school_id}.")
    return school


class AccessApi:
    def __init__(self, sandbox: Sandbox, render: Callable[[Request, SandboxSchool], Record]):
        self.sandbox = sandbox
        self.render = render

    # --- Wonde ----------------------------------------------------------------------------

    def listing(self, state: str) -> Listing:
        def handler(request: Request, token: str) -> Record:
            ids = set(self._in_state(token, state))
            found = [s for i, s in self.sandbox.schools.items() if i in ids]
            return {"data": [self.render(request, s) for s in found], "meta": {"includes": []}}

        return handler

    def _in_state(self, token: str, state: str) -> list[str]:
        book = self.sandbox.access
        if state == "offline":
            return [i for i in book.schools_in(token, "approved")
                    if self.sandbox.faults.is_offline(i)]  # fmt: skip
        if state == "audited":
            return [
                i for i in book.schools_in(token, "approved")
                if self.sandbox.schools[i].profile.get("extended", {}).get("audit_approved_at")
            ]  # fmt: skip
        return book.schools_in(token, state)  # type: ignore[arg-type]

    def search(self, request: Request, token: str) -> Record:
        params = request.query_params
        found = []
        for school in self.sandbox.schools.values():
            profile = school.profile
            address = profile.get("address") or {}
            postcode = str(address.get("address_postcode") or "").replace(" ", "").upper()
            wanted = (params.get("postcode") or "").replace(" ", "").upper()
            if wanted and not postcode.startswith(wanted):
                continue
            if any(params.get(f) and str(profile.get(f)) != params[f] for f in _SEARCH_FILTERS):
                continue
            found.append(self.render(request, school))
        return {"data": found, "meta": {"includes": []}}

    def request_access(self, request: Request, token: str, body: Record) -> Record:
        school = _school(self.sandbox, request.path_params["school_id"])
        contacts = body.get("contacts", [])
        if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
            raise ApiError(422, "validation_failed", "contacts must be a list of objects.")
        state = self.sandbox.access.request(token, school.id, contacts)
        if state == "approved" and not self.sandbox.may_see(token, school.id):
            self.sandbox.approve(token, school.id)
        message = (
            "The school has already approved this application."
            if state == "approved"
            else "Access requested; the school will be asked to approve it."
        )
        return {"success": True, "state": state, "message": message}

    def revoke_access(self, request: Request, token: str, body: Record) -> Record:
        school = _school(self.sandbox, request.path_params["school_id"])
        self.sandbox.decide_access(token, school.id, "revoke")
        return {"success": True, "state": "revoked", "message": "Access revoked."}

    # --- controls ------------------------------------------------------------------------

    async def decide(self, request: Request, token: str, body: Record) -> Record:
        school = _school(self.sandbox, request.path_params["school_id"])
        decision = str(body.get("decision"))
        if decision not in DECISIONS:
            raise ApiError(
                422, "validation_failed", f"decision must be one of {', '.join(DECISIONS)}."
            )
        encoding = _encoding(body)
        state, school_token = self.sandbox.decide_access(token, school.id, decision)
        payload = access_payload(school, decision, school_token, str(body.get("reason") or ""))
        status = await self._send(payload, encoding)
        return {"id": school.id, "state": state, "webhook_status": status}

    async def mis_switch(self, request: Request, token: str, body: Record) -> Record:
        school = _school(self.sandbox, request.path_params["school_id"])
        if not self.sandbox.may_see(token, school.id):
            raise ApiError(403, "invalid_permissions", f"School {school.id} has not approved.")
        try:
            seed = int(body.get("seed", 1))
            unlinkable = int(body.get("unlinkable_classes", 0))
        except (TypeError, ValueError) as error:
            raise ApiError(422, "validation_failed", str(error)) from error
        done = switch_mis(school, str(body.get("to") or "Arbor"), seed, unlinkable)
        at = utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
        payload = migration_payload(school, done["migrate_from"], done["migrate_to"], at)
        done["webhook_status"] = await self._send(payload, _encoding(body))
        return done

    async def webhook(self, request: Request, token: str, body: Record) -> Record:
        if request.method == "POST":
            url = body.get("url")
            if url is not None and not str(url).startswith(("http://", "https://")):
                raise ApiError(422, "validation_failed", "url must start with http(s)://")
            self.sandbox.webhook_url = str(url) if url else None
        return {"url": self.sandbox.webhook_url, "deliveries": self.sandbox.webhook_deliveries}

    async def _send(self, payload: Record, encoding: Encoding) -> int | None:
        url = self.sandbox.webhook_url
        if not url:
            return None
        status = await asyncio.to_thread(deliver, url, payload, encoding)
        self.sandbox.webhook_deliveries.append(
            {"payload_type": payload["payload_type"], "school_id": payload.get("school_id"),
             "encoding": encoding, "status": status}
        )  # fmt: skip
        return status


def _encoding(body: Record) -> Encoding:
    asked = body.get("encoding", "json")
    for known in ENCODINGS:
        if asked == known:
            return known
    raise ApiError(422, "validation_failed", f"encoding must be one of {', '.join(ENCODINGS)}.")


def endpoint(sandbox: Sandbox, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint that authenticates, reads an optional JSON object, and may await."""

    async def run(request: Request) -> Response:
        raw = await request.body()
        try:
            body = orjson.loads(raw) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ApiError(422, "validation_failed", "Send a JSON object.")
            return json_response(
                orjson.dumps(await handler(request, authenticate(sandbox, request), body))
            )
        except orjson.JSONDecodeError:
            return error_response(ApiError(400, "invalid_request", "The body is not valid JSON."))
        except ApiError as error:
            return error_response(error)

    return run


def sync_handler(handler: Callable[[Request, str, Record], Record]) -> Handler:
    async def run(request: Request, token: str, body: Record) -> Record:
        return handler(request, token, body)

    return run
