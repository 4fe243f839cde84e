"""The pages of the web app: logging in and out, the schools overview, a school's MIS sync
page with its history, issues downloads and Start sync, and the user's API tokens."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from schoolsync.accounts import ROLE_LABELS
from schoolsync.engine.change_labels import RELATIONS
from schoolsync.errors import ConfigError, NotFound
from schoolsync.model import fleet
from schoolsync.model.connection import label as connection_label
from schoolsync.model.connection import next_step
from schoolsync.model.labels import KIND_WORDS
from schoolsync.services import accounts, history, overview
from schoolsync.services.fleet import health_counts
from schoolsync.services.run_page import run_page as run_detail
from schoolsync.services.scheduling import next_runs
from schoolsync.web.auth import CurrentVisitor, engine_of, form_of, now, visible_school
from schoolsync.web.chart import chart_svg
from schoolsync.web.labels import TRIGGERS, status_label
from schoolsync.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, set_cookie, tokens_match
from schoolsync.web.sync_jobs import SyncJobs

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(
    status_label=status_label, TRIGGERS=TRIGGERS, ROLES=ROLE_LABELS,
    connection_label=connection_label, next_step=next_step,
)  # fmt: skip
templates.env.filters["when"] = lambda moment: moment.strftime("%-d %b %Y, %H:%M") if moment else ""

router = APIRouter(include_in_schema=False)
LOGIN_FAILED = "Enter a correct email address and password."
LOGIN_THROTTLED = "Too many attempts to log in. Wait 15 minutes, then try again."


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


def jobs_of(request: Request) -> SyncJobs:
    jobs: SyncJobs = request.app.state.sync_jobs
    return jobs


# --- logging in and out -------------------------------------------------------------------


@router.get("/")
def home() -> RedirectResponse:
    return see_other("/schools")


@router.get("/login")
def login_form(request: Request, next: str = "/schools") -> HTMLResponse:
    return _login_page(request, next)


def _login_page(
    request: Request, next_url: str, error: str | None = None, email: str = ""
) -> HTMLResponse:
    csrf = secrets.token_urlsafe(32)
    code = status.HTTP_400_BAD_REQUEST if error else status.HTTP_200_OK
    response = page(request, "login.html", code, csrf=csrf, next=next_url, error=error, email=email)
    set_cookie(response, request, LOGIN_CSRF_COOKIE, csrf, max_age=3600)
    return response


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/schools",
) -> Response:
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        return _login_page(request, next, "Your login form expired. Try again.", email)
    address = request.client.host if request.client else "unknown"
    login = accounts.log_in(
        engine_of(request), email, password, address=address, now=now(request),
        old_session=request.cookies.get(SESSION_COOKIE),
    )  # fmt: skip
    if login.session_id is None:
        return _login_page(request, next, LOGIN_THROTTLED if login.throttled else LOGIN_FAILED,
                           email)  # fmt: skip
    # Only a path on this site: never a redirect to somewhere else.
    target = next if next.startswith("/") and not next.startswith("//") else "/schools"
    response = see_other(target)
    set_cookie(
        response, request, SESSION_COOKIE, login.session_id,
        max_age=int(login.lifetime.total_seconds()),
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request, who: CurrentVisitor) -> RedirectResponse:
    await form_of(request, who)
    accounts.log_out(engine_of(request), who.session_id)
    response = see_other("/login?signed_out=1")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- schools ------------------------------------------------------------------------------


@router.get("/schools")
def schools(
    request: Request,
    who: CurrentVisitor,
    q: str = "",
    status_filter: Annotated[str, Query(alias="status")] = "",
    after_name: str | None = None,
    after_id: int | None = None,
    health: str = "",
) -> Response:
    if not who.user.is_vendor:
        return see_other(f"/schools/{who.user.school_key}")
    after = (after_name, after_id) if after_name is not None and after_id is not None else None
    health = health if health in fleet.HEALTH else ""
    moment = now(request)
    found = overview.school_overview(
        engine_of(request), search=q, status=status_filter, after=after, health=health, now=moment
    )
    upcoming = next_runs(
        engine_of(request), request.app.state.clock(), [row.id for row in found.rows]
    )
    next_link = None
    if found.next_after:
        name, school_id = found.next_after
        query = {"q": q, "status": status_filter, "health": health, "after_name": name,
                 "after_id": school_id}  # fmt: skip
        next_link = "/schools?" + urlencode(query)
    return page(
        request, "schools.html", who=who, page=found, q=q, status=status_filter,
        filters=overview.FILTERS, next_link=next_link, first_page=after is not None,
        next_runs={run.school_key: run for run in upcoming},
        health=health, fleet=fleet, counts=health_counts(engine_of(request), moment),
    )  # fmt: skip


@router.get("/schools/{key}")
def school(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    return school_page(request, key, who)


def school_page(
    request: Request, key: str, who: Any, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    """The school's MIS sync page: its Wonde connection, Start sync, its history."""
    from schoolsync.services.connections import school_connection

    _school_id, name = visible_school(request, who.user, key)
    found = history.school_history(engine_of(request), key)
    record = school_connection(engine_of(request), key)
    progress = jobs_of(request).progress(key)
    syncing = found.running or (progress is not None and not progress.finished)
    return page(
        request, "school.html", status_code, who=who, key=key, school_name=name, runs=found.runs,
        waiting=found.waiting, syncing=syncing, progress=progress, chart=chart_svg(found.points),
        record=record, **extra,
    )  # fmt: skip


@router.post("/schools/{key}/sync")
async def start_sync(request: Request, key: str, who: CurrentVisitor) -> RedirectResponse:
    visible_school(request, who.user, key)
    await form_of(request, who)
    jobs_of(request).start(key)
    return see_other(f"/schools/{key}#progress")


@router.get("/schools/{key}/progress")
def sync_progress(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    """The progress panel alone: the school page's script polls it until the run ends."""
    visible_school(request, who.user, key)
    running = history.sync_running(engine_of(request), key)
    progress = jobs_of(request).progress(key)
    syncing = running or (progress is not None and not progress.finished)
    return page(request, "_progress.html", key=key, syncing=syncing, progress=progress)


@router.get("/schools/{key}/runs/{run_id}")
def run_page(request: Request, key: str, run_id: int, who: CurrentVisitor) -> HTMLResponse:
    """One run: every change by name, its issues with how to fix them, what it held back."""
    _school_id, name = visible_school(request, who.user, key)
    try:
        detail = run_detail(engine_of(request), key, run_id)
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found") from exc
    return page(request, "run.html", who=who, key=key, school_name=name, detail=detail,
                kinds=KIND_WORDS, relations=RELATIONS)  # fmt: skip


@router.get("/schools/{key}/runs/{run_id}/issues.csv")
def issues_csv(request: Request, key: str, run_id: int, who: CurrentVisitor) -> Response:
    visible_school(request, who.user, key)
    try:
        content = history.issues_csv(engine_of(request), key, run_id)
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found") from exc
    return Response(
        content=content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="issues-{key}-run-{run_id}.csv"'},
    )


@router.get("/schools/{key}/issues.csv")
def open_issues_csv(request: Request, key: str, who: CurrentVisitor) -> Response:
    """The school's open issues: found and not yet resolved."""
    visible_school(request, who.user, key)
    content = history.issues_csv(engine_of(request), key)
    return Response(
        content=content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="issues-{key}-open.csv"'},
    )


# --- accounts (vendor admins) -------------------------------------------------------------


@router.get("/users")
def users(request: Request, who: CurrentVisitor) -> HTMLResponse:
    """Every account: only vendor admins manage users; anyone else is told there is no page."""
    if who.user.role != "vendor-admin":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found")
    found = accounts.list_users(engine_of(request))
    return page(request, "users.html", who=who, users=found)


# --- the user's own API tokens ------------------------------------------------------------


@router.get("/account/tokens")
def tokens(request: Request, who: CurrentVisitor) -> HTMLResponse:
    return _tokens_page(request, who)


def _tokens_page(
    request: Request, who: Any, new_token: str | None = None, error: str | None = None
) -> HTMLResponse:
    found = accounts.list_api_tokens(engine_of(request), who.user.id)
    code = status.HTTP_400_BAD_REQUEST if error else status.HTTP_200_OK
    return page(
        request, "tokens.html", code, who=who, tokens=found, new_token=new_token, error=error
    )


@router.post("/account/tokens")
async def create_token(request: Request, who: CurrentVisitor) -> HTMLResponse:
    fields = await form_of(request, who)
    name = fields.get("name", "").strip()
    if not name:
        return _tokens_page(request, who, error="Enter a name for the token")
    try:
        token = accounts.create_api_token(engine_of(request), who.user.id, name, now(request))
    except ConfigError as exc:
        return _tokens_page(request, who, error=str(exc))
    # Shown on this one response only; the store keeps its digest.
    response = _tokens_page(request, who, new_token=token)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: int, who: CurrentVisitor) -> Response:
    await form_of(request, who)
    revoked = accounts.revoke_api_token(engine_of(request), who.user.id, token_id, now(request))
    if not revoked:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found")
    return see_other("/account/tokens")
