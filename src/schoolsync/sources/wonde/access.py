"""Wonde's access endpoints: asking a school for access, and checking what a webhook claims.

    request_access(...)  POST /schools/{id}/request-access with the school's contact -> state
    school_answers(...)  GET /schools/{id} with a token: the school object, or None when the
                         token may not read it (401, 403: not approved, or no longer)
    listed_as(...)       whether GET /schools/{state} lists the school (declined, revoked, ...)

Tokens are only ever sent to the school's API base; nothing here logs one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from schoolsync.config import Settings
from schoolsync.errors import SourceAuthError, SourceDataError
from schoolsync.sources.http import JsonHttp
from schoolsync.sources.wonde.client import DEFAULT_BASE_URL, GRANT_HINT, make_http_client

Transport = httpx.BaseTransport | None
KNOWN_STATES = ("pending", "approved", "audited", "declined", "revoked", "offline")


@contextmanager
def _http(settings: Settings, token: str, transport: Transport) -> Iterator[JsonHttp]:
    with make_http_client(token, settings.wonde_timeout_seconds, transport) as client:
        yield JsonHttp(
            client,
            max_attempts=settings.wonde_max_attempts,
            max_backoff_seconds=settings.wonde_max_backoff_seconds,
            grant_hint=GRANT_HINT,
        )


def _url(base_url: str | None, path: str) -> str:
    return f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}/{path}"


def split_name(name: str) -> tuple[str, str]:
    """Wonde asks for first and last names; a person types one name."""
    parts = name.strip().rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")


def request_access(
    settings: Settings,
    token: str,
    base_url: str | None,
    school_id: str,
    *,
    name: str,
    email: str,
    phone: str | None = None,
    transport: Transport = None,
) -> str:
    """Ask the school for access, naming who Wonde should contact; returns Wonde's state for
    the request (`pending`, or `approved` when the school approved the app already)."""
    first, last = split_name(name)
    contact: dict[str, Any] = {"first_name": first, "last_name": last, "email_address": email}
    if phone:
        contact["phone_number"] = phone
    with _http(settings, token, transport) as http:
        answer = http.post(
            _url(base_url, f"schools/{school_id}/request-access"),
            {"contacts": [contact]},
            idempotent=True,  # asking twice is asking once
        )
    state = answer.get("state") if isinstance(answer, dict) else None
    if not isinstance(answer, dict) or answer.get("success") is False:
        raise SourceDataError(f"Wonde did not accept the request for access to {school_id}")
    return str(state) if state in KNOWN_STATES else "pending"


def school_answers(
    settings: Settings,
    token: str,
    base_url: str | None,
    school_id: str,
    transport: Transport = None,
) -> dict[str, Any] | None:
    """The school object as this token reads it, or None when the token may not read it."""
    with _http(settings, token, transport) as http:
        try:
            body = http.get(_url(base_url, f"schools/{school_id}"))
        except SourceAuthError:
            return None
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) and str(data.get("id")) == school_id else None


def listed_as(
    settings: Settings,
    token: str,
    base_url: str | None,
    school_id: str,
    state: str,
    transport: Transport = None,
) -> bool:
    """Whether Wonde lists the school under `state` for this token (`/schools/declined`)."""
    with _http(settings, token, transport) as http:
        try:
            body = http.get(_url(base_url, f"schools/{state}"))
        except SourceAuthError:
            return False
    data = body.get("data") if isinstance(body, dict) else None
    return isinstance(data, list) and any(
        isinstance(s, dict) and str(s.get("id")) == school_id for s in data
    )


def school_meta(
    settings: Settings,
    token: str,
    base_url: str | None,
    school_id: str,
    transport: Transport = None,
) -> dict[str, Any] | None:
    """`GET /meta/schools/{id}`: `online`, `approved`, `audited`; None when the token may no
    longer read the school."""
    with _http(settings, token, transport) as http:
        try:
            body = http.get(_url(base_url, f"meta/schools/{school_id}"))
        except SourceAuthError:
            return None
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else None
