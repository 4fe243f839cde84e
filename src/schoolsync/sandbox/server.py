"""The sandbox as an ASGI app (Starlette, orjson), and ways to run it.

Every Wonde endpoint first takes any queued fault for its path (429 / 5xx / slow /
malformed), then authenticates, then answers (see wonde_api.py for the checks after that).
The /sandbox control endpoints authenticate too but never suffer faults, so a test can always
clear what it queued.

Each answer carries `Server-Timing: app;dur=<ms>`, the time spent building it, and the same
time is added to `Sandbox.server_seconds` for benchmarks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from schoolsync.sandbox.access_api import STATE_LISTINGS, AccessApi, endpoint, sync_handler
from schoolsync.sandbox.control import ControlApi
from schoolsync.sandbox.faults import Fault
from schoolsync.sandbox.protocol import (
    API_PREFIX,
    ApiError,
    authenticate,
    error_response,
    json_response,
)
from schoolsync.sandbox.registry import Sandbox
from schoolsync.sandbox.wonde_api import WondeApi
from schoolsync.sandbox.writeback_api import WritebackApi
from schoolsync.serving import serving_in_thread

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, str], Any]
ControlHandler = Callable[[Request, str, Any], Any]

_FAULT_ERRORS = {
    429: ("too_many_requests", "Too many requests: slow down and retry after the given time."),
    500: ("server_error", "The server had an internal error."),
    502: ("bad_gateway", "The upstream MIS connector did not answer properly."),
    503: ("service_unavailable", "The service is temporarily unavailable."),
}


def _answer(sandbox: Sandbox, request: Request, handler: Handler) -> Response:
    started = time.perf_counter()
    try:
        payload = handler(request, authenticate(sandbox, request))
    except ApiError as error:
        return error_response(error)
    body = orjson.dumps(payload)
    elapsed = time.perf_counter() - started
    sandbox.record_timing(elapsed)
    return json_response(body, 200, {"Server-Timing": f"app;dur={elapsed * 1000:.2f}"})


def _fault_response(fault: Fault) -> Response:
    status = fault.status or 500
    error, description = _FAULT_ERRORS.get(status, ("server_error", "Injected fault."))
    headers = {"Retry-After": str(fault.retry_after)} if status == 429 else {}
    return error_response(ApiError(status, error, description, headers))


def _wonde(sandbox: Sandbox, handler: Handler) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        fault = sandbox.faults.take(request.url.path)
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.ms / 1000)
        if fault is not None and fault.status is not None:
            return _fault_response(fault)
        # Handlers are synchronous; a write's body is read here, before they run.
        request.state.body = await request.body() if request.method == "POST" else b""
        response = _answer(sandbox, request, handler)
        if fault is not None and fault.kind == "slow_answer":
            await asyncio.sleep(fault.ms / 1000)
        if fault is not None and fault.kind == "malformed" and response.status_code == 200:
            body = bytes(response.body)
            return json_response(body[: max(1, len(body) // 2)])
        return response

    return endpoint


def _control(sandbox: Sandbox, handler: ControlHandler) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        raw = await request.body()
        try:
            body = orjson.loads(raw) if raw.strip() else {}
        except orjson.JSONDecodeError:
            return error_response(ApiError(400, "invalid_request", "The body is not valid JSON."))
        return _answer(sandbox, request, lambda req, token: handler(req, token, body))

    return endpoint


class _TrailingSlash:
    """Route `/v1.0/schools/` like `/v1.0/schools`: clients differ, and redirects cost a trip."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if len(path) > 1 and path.endswith("/"):
                scope = dict(scope, path=path.rstrip("/") or "/")
        await self.app(scope, receive, send)


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(ApiError(404, "not_found", f"No endpoint at {request.url.path}."))


async def _not_allowed(request: Request, exc: Exception) -> Response:
    message = f"{request.method} is not allowed here."
    return error_response(ApiError(405, "method_not_allowed", message))


def create_app(sandbox: Sandbox) -> Starlette:
    """The ASGI app serving `sandbox`: Wonde's API under /v1.0, controls under /sandbox."""
    api, ctl, write = WondeApi(sandbox), ControlApi(sandbox), WritebackApi(sandbox)
    access = AccessApi(sandbox, api.school_object)

    def wonde(handler: Handler) -> Endpoint:
        return _wonde(sandbox, handler)

    def control(handler: ControlHandler) -> Endpoint:
        return _control(sandbox, handler)

    school = f"{API_PREFIX}/schools/{{school_id}}"
    meta = f"{API_PREFIX}/meta/schools/{{school_id}}"
    # Order matters: literal segments before the {kind} catch-alls.
    routes = [
        Route(API_PREFIX, wonde(api.root)),
        Route(f"{API_PREFIX}/schools", wonde(api.schools)),
        Route(f"{API_PREFIX}/schools/approved", wonde(api.schools)),
        *(
            Route(f"{API_PREFIX}/schools/{state}", wonde(access.listing(state)))
            for state in STATE_LISTINGS
        ),
        Route(f"{API_PREFIX}/schools/all", wonde(access.search)),
        Route(
            f"{school}/request-access",
            endpoint(sandbox, sync_handler(access.request_access)),
            methods=["POST"],
        ),
        Route(
            f"{school}/revoke-access",
            endpoint(sandbox, sync_handler(access.revoke_access)),
            methods=["DELETE"],
        ),
        Route(meta, wonde(api.school_meta)),
        Route(f"{meta}/permissions", wonde(api.school_permissions)),
        Route(school, wonde(api.school)),
        Route(f"{school}/counts", wonde(api.counts)),
        Route(f"{school}/deletions", wonde(api.deletions)),
        Route(f"{API_PREFIX}/attendance-codes", wonde(write.codes)),
        Route(f"{school}/attendance-codes", wonde(write.codes)),
        Route(f"{school}/attendance/session", wonde(write.session), methods=["GET", "POST"]),
        Route(f"{API_PREFIX}/writebacks/{{writeback_id}}", wonde(write.status)),
        Route(f"{school}/{{kind}}", wonde(api.records)),
        Route(f"{school}/{{kind}}/{{record_id}}", wonde(api.record)),
        Route("/sandbox/schools", control(ctl.schools)),
        Route("/sandbox/schools/{school_id}/changes", control(ctl.changes), methods=["POST"]),
        Route("/sandbox/schools/{school_id}/offline", control(ctl.offline), methods=["POST"]),
        Route(
            "/sandbox/schools/{school_id}/writebacks",
            control(ctl.writebacks),
            methods=["GET", "POST"],
        ),
        Route("/sandbox/faults", control(ctl.add_fault), methods=["POST"]),
        Route("/sandbox/faults", control(ctl.faults), methods=["GET", "DELETE"]),
        Route(
            "/sandbox/schools/{school_id}/access",
            endpoint(sandbox, access.decide),
            methods=["POST"],
        ),
        Route(
            "/sandbox/schools/{school_id}/mis-switch",
            endpoint(sandbox, access.mis_switch),
            methods=["POST"],
        ),
        Route("/sandbox/webhook", endpoint(sandbox, access.webhook), methods=["GET", "POST"]),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(_TrailingSlash)],
        exception_handlers={404: _not_found, 405: _not_allowed},
    )


@contextmanager
def running_sandbox(sandbox: Sandbox, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `sandbox` on a free port in a background thread; yields the /v1.0/ base URL."""
    with serving_in_thread(create_app(sandbox), host, name="sandbox server") as port:
        yield f"http://{host}:{port}{API_PREFIX}/"


def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve `sandbox` until interrupted (the `schoolsync sandbox serve` command)."""
    uvicorn.run(create_app(sandbox), host=host, port=port, log_level="info", lifespan="off")
