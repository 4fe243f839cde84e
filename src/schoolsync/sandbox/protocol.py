"""HTTP conventions shared by the sandbox's endpoints, as Wonde's clients expect them.

- Auth: `Authorization: Bearer <token>` or `Basic base64(<token>:)`, scheme in any case.
- Errors: `{"error": ..., "error_description": ...}` (the protocol notes leave the shape open;
  this is the Laravel/OAuth style clients most often meet), raised as `ApiError`; a 422 for a
  write also carries Laravel's `"message"` and `"errors": {"field": ["problem", ...]}`.
- Lists: `{"data": [...], "meta": {"pagination": {...}, "includes": [...]}}`, where `next` and
  `previous` are absolute URLs on the host the request came in on, keeping every parameter.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response

from schoolsync.sandbox.registry import Sandbox
from schoolsync.sandbox.state import SandboxSchool

Record = dict[str, Any]

API_PREFIX = "/v1.0"


class ApiError(Exception):
    """An answer other than 200, with Wonde's error body."""

    def __init__(
        self,
        status: int,
        error: str,
        description: str,
        headers: dict[str, str] | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.headers = headers or {}
        #: field -> problems, as Laravel answers a 422 (`attendance.0.student_id`)
        self.errors = errors

    def body(self) -> Record:
        body: Record = {"error": self.error, "error_description": self.description}
        if self.errors is not None:
            body["message"] = self.description
            body["errors"] = self.errors
        return body


def json_response(
    body: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def error_response(error: ApiError) -> Response:
    return json_response(orjson.dumps(error.body()), error.status, error.headers)


def token_of(request: Request) -> str:
    """The API token from `Authorization`, or "" if there is none to read."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer" and credentials:
        return credentials
    if scheme.lower() == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[0]
    return ""


def authenticate(sandbox: Sandbox, request: Request) -> str:
    token = token_of(request)
    if not sandbox.knows(token):
        raise ApiError(401, "unauthenticated", "A valid API token is required (Bearer or Basic).")
    return token


def visible_school(
    sandbox: Sandbox, token: str, school_id: str, *, data: bool = True
) -> SandboxSchool:
    """The school if this token may see it; `data` endpoints also need it to be online."""
    school = sandbox.schools.get(school_id)
    if school is None:
        raise ApiError(404, "not_found", f"No school with id {school_id}.")
    if not sandbox.may_see(token, school_id):
        raise ApiError(
            403,
            "invalid_permissions",
            f"This application has not been approved by school {school_id}.",
        )
    if data and sandbox.faults.is_offline(school_id):
        raise ApiError(
            503, "school_offline", f"School {school_id}'s MIS connector is offline.",
            {"Retry-After": "60"},
        )  # fmt: skip
    return school


def page_url(request: Request, page: int) -> str:
    """This request's own URL with `page` replaced; every other parameter kept as sent."""
    pairs = [(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True) if k != "page"]
    pairs.append(("page", str(page)))
    query = urlencode(pairs, quote_via=quote, safe=",:")
    return f"{request.url.scheme}://{request.url.netloc}{request.url.path}?{query}"


def positive_int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ApiError(
            422, "validation_failed", f"{name} must be a whole number of at least 1, not {raw!r}"
        )
    return value


def paged(
    sandbox: Sandbox,
    request: Request,
    items: list[Any],
    render: Callable[[list[Any]], list[Record]],
    includes: list[str],
) -> Record:
    """One page of `items`, rendered, in Wonde's list envelope."""
    page = positive_int(request, "page", 1)
    per_page = min(
        positive_int(request, "per_page", sandbox.default_per_page), sandbox.max_per_page
    )
    start = (page - 1) * per_page
    more = start + per_page < len(items)
    meta: Record = {}
    if sandbox.pagination_when_small or len(items) > 50 or page > 1:
        meta["pagination"] = {
            "next": page_url(request, page + 1) if more else None,
            "previous": page_url(request, page - 1) if page > 1 else None,
            "more": more,
            "per_page": per_page,
            "current_page": page,
        }
    meta["includes"] = includes
    return {"data": render(items[start : start + per_page]), "meta": meta}
