"""The whole web app in one ASGI app: the pages, the REST API under /api, the static files.

Built by `create_web_app(...)` from the entry point (never at import time); every seam a test
needs (the clock, the MIS reader) is an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from schoolsync.config import Settings
from schoolsync.jobs.runner import EmbeddedRunner
from schoolsync.services.handle import Store
from schoolsync.web import (
    attendance_pages,
    connection_page,
    first_connection_pages,
    manual_page,
    ops,
    pages,
    people_pages,
    permissions_page,
    settings_page,
    terms_page,
)
from schoolsync.web import webhooks as webhook_route
from schoolsync.web.api import create_app
from schoolsync.web.auth import LoginRequired
from schoolsync.web.security import SecurityHeaders
from schoolsync.web.sync_jobs import SyncJobs

if TYPE_CHECKING:
    from schoolsync.pipeline import Notify, SnapshotReader
    from schoolsync.services.permissions import PermissionsReader
    from schoolsync.services.webhooks import WebhookReceiver
    from schoolsync.sources.wonde.photos import PhotosReader

STATIC = Path(__file__).parent / "static"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_web_app(
    engine: Store,
    reader: Callable[[], SnapshotReader],
    *,
    api_token: str | None = None,
    notify: Notify | None = None,
    clock: Callable[[], dt.datetime] = _utcnow,
    runner: EmbeddedRunner | None = None,
    permissions: PermissionsReader | None = None,
    settings: Settings | None = None,
    webhooks: WebhookReceiver | None = None,
    photos: PhotosReader | None = None,
) -> FastAPI:
    """`permissions` reads a school's Wonde permissions (None: the page says it cannot);
    `webhooks`: how Wonde's webhooks are confirmed and acted on (None refuses them);
    `photos` reads pupils' photos after a Start sync, when no `runner` is given (a runner
    brings its own)."""
    app = create_app(engine, api_token, reader, settings)
    app.state.clock = clock
    app.state.permissions = permissions
    app.state.webhooks = webhooks
    app.state.sync_jobs = SyncJobs(engine, reader, notify, runner, photos=photos)
    app.include_router(pages.router)
    app.include_router(settings_page.router)
    app.include_router(terms_page.router)
    app.include_router(permissions_page.router)
    app.include_router(manual_page.router)
    app.include_router(people_pages.router)
    app.include_router(webhook_route.router)
    app.include_router(connection_page.router)
    app.include_router(first_connection_pages.router)
    app.include_router(attendance_pages.router)
    app.include_router(ops.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return await http_exception_handler(request, exc)
        return pages.page(request, "error.html", exc.status_code, detail=exc.detail,
                          code=exc.status_code)  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def bad_address(request: Request, exc: RequestValidationError) -> Response:
        # The API answers in JSON, naming the field; a page says so in words.
        if request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, exc)
        return pages.page(request, "error.html", 400, code=400,
                          detail="Check the web address: part of it is not valid.")  # fmt: skip

    return app
