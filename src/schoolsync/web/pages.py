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
from schoolsync.model import fleet
from schoolsync.services.fleet import health_counts
from schoolsync.store import accounts as account_store
from schoolsync.web import queries
from schoolsync.web.auth import CurrentVisitor, engine_of, form_of, now, visible_school
from schoolsync.web.chart import chart_svg
from schoolsync.web.labels import TRIGGERS, status_label
from schoolsync.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, set_cookie, tokens_match
from schoolsync.web.sync_jobs import SyncJobs

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(status_label=status_label, TRIGGERS=TRIGGERS, ROLES=ROLE_LABELS)
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
    moment = now(request)
    with engine_of(request).begin() as conn:
        if account_store.failures_exceeded(conn, email.strip().lower(), address, moment):
            user = None
            error = LOGIN_THROTTLED
        else:
            user = account_store.check_login(conn, email, password, address, moment)
            error = LOGIN_FAILED
        if user is not None:
            # A new session id at every login: a session id planted before it is worthless.
            old = request.cookies.get(SESSION_COOKIE)
            if old:
                account_store.end_session(conn, old)
            session_id, _csrf = account_store.start_session(conn, user.id, moment)
    if user is None:
        return _login_page(request, next, error, email)
    # Only a path on this site: never a redirect to somewhere else.
    target = next if next.startswith("/") and not next.startswith("//") else "/schools"
    response = see_other(target)
    set_cookie(
        response, request, SESSION_COOKIE, session_id,
        max_age=int(account_store.SESSION_LIFETIME.total_seconds()),
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request, who: CurrentVisitor) -> RedirectResponse:
    await form_of(request, who)
    with engine_of(request).begin() as conn:
        account_store.end_session(conn, who.session_id)
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
    with engine_of(request).connect() as conn:
        found = queries.school_overview(
            conn, search=q, status=status_filter, after=after, health=health, now=moment
        )
    next_link = None
    if found.next_after:
        name, school_id = found.next_after
        query = {"q": q, "status": status_filter, "health": health, "after_name": name,
                 "after_id": school_id}  # fmt: skip
        next_link = "/schools?" + urlencode(query)
    return page(
        request, "schools.html", who=who, page=found, q=q, status=status_filter,
        filters=queries.FILTERS, next_link=next_link, first_page=after is not None,
        health=health, fleet=fleet, counts=health_counts(engine_of(request), moment),
    )  # fmt: skip


@router.get("/schools/{key}")
def school(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    school_id, name = visible_school(request, who.user, key)
    with engine_of(request).connect() as conn:
        runs = queries.run_history(conn, school_id)
        chart = chart_svg(queries.run_points(conn, school_id))
        waiting = queries.pending_approvals(conn, school_id)
        running = queries.running_run(conn, school_id) is not None
    progress = jobs_of(request).progress(key)
    syncing = running or (progress is not None and not progress.finished)
    return page(
        request, "school.html", who=who, key=key, school_name=name, runs=runs, waiting=waiting,
        syncing=syncing, progress=progress, chart=chart,
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
    school_id, _name = visible_school(request, who.user, key)
    with engine_of(request).connect() as conn:
        running = queries.running_run(conn, school_id) is not None
    progress = jobs_of(request).progress(key)
    syncing = running or (progress is not None and not progress.finished)
    return page(request, "_progress.html", key=key, syncing=syncing, progress=progress)


@router.get("/schools/{key}/runs/{run_id}")
def run_page(request: Request, key: str, run_id: int, who: CurrentVisitor) -> HTMLResponse:
    """One run: every change by name, its issues with how to fix them, what it held back."""
    school_id, name = visible_school(request, who.user, key)
    with engine_of(request).connect() as conn:
        detail = queries.run_detail(conn, school_id, run_id)
    if detail is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found")
    return page(request, "run.html", who=who, key=key, school_name=name, detail=detail,
                kinds=queries.KIND_WORDS, relations=RELATIONS)  # fmt: skip


@router.get("/schools/{key}/runs/{run_id}/issues.csv")
def issues_csv(request: Request, key: str, run_id: int, who: CurrentVisitor) -> Response:
    school_id, _name = visible_school(request, who.user, key)
    with engine_of(request).connect() as conn:
        content = queries.run_issues_csv(conn, school_id, run_id)
    if content is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found")
    return Response(
        content=content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="issues-{key}-run-{run_id}.csv"'},
    )


@router.get("/schools/{key}/issues.csv")
def open_issues_csv(request: Request, key: str, who: CurrentVisitor) -> Response:
    """The school's open issues: found and not yet resolved."""
    school_id, _name = visible_school(request, who.user, key)
    with engine_of(request).connect() as conn:
        content = queries.run_issues_csv(conn, school_id, None) or ""
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
    with engine_of(request).connect() as conn:
        found = account_store.list_users(conn)
    return page(request, "users.html", who=who, users=found)


# --- the user's own API tokens ------------------------------------------------------------


@router.get("/account/tokens")
def tokens(request: Request, who: CurrentVisitor) -> HTMLResponse:
    return _tokens_page(request, who)


def _tokens_page(
    request: Request, who: Any, new_token: str | None = None, error: str | None = None
) -> HTMLResponse:
    with engine_of(request).connect() as conn:
        found = account_store.list_api_tokens(conn, who.user.id)
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
    with engine_of(request).begin() as conn:
        token = account_store.create_api_token(conn, who.user.id, name, now(request))
    # Shown on this one response only; the store keeps its digest.
    response = _tokens_page(request, who, new_token=token)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: int, who: CurrentVisitor) -> Response:
    await form_of(request, who)
    with engine_of(request).begin() as conn:
        revoked = account_store.revoke_api_token(conn, who.user.id, token_id, now(request))
    if not revoked:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found")
    return see_other("/account/tokens")
