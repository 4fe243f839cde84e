"""The first connection, as the Wonde Uploader's pages: load existing accounts, the class table
(Match / Import for the first time / No action per class, "Click to resolve issues"), the
Merge button with a summary of what it will do, the login cards, and Disconnect."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from schoolsync.engine.matching.classes import ACTION_LABELS
from schoolsync.errors import BadInput, SchoolsyncError
from schoolsync.services import first_connection as service
from schoolsync.services import login_cards
from schoolsync.web.auth import CurrentVisitor, Visitor, engine_of, form_of, now, visible_school
from schoolsync.web.pages import jobs_of, page, see_other
from schoolsync.web.security import tokens_match

router = APIRouter(include_in_schema=False)


def _report(request: Request, key: str) -> service.MatchReport:
    try:
        return service.match_report(engine_of(request), key, jobs_of(request).reader())
    except SchoolsyncError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, f"Your MIS could not be read: {exc}") from exc


def _page(request: Request, who: Visitor, key: str, name: str, **extra: Any) -> HTMLResponse:
    state = service.state(engine_of(request), key)
    report = _report(request, key) if state in ("matching", "merged") else None
    return page(
        request, "first_connection.html", who=who, key=key, school_name=name, state=state,
        report=report, labels=ACTION_LABELS, **extra,
    )  # fmt: skip


@router.get("/schools/{key}/first-connection")
def first_connection(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    return _page(request, who, key, name, saved=request.query_params.get("saved"))


@router.post("/schools/{key}/first-connection/import")
async def load_existing(request: Request, key: str, who: CurrentVisitor) -> Response:
    _school_id, name = visible_school(request, who.user, key)
    form = await request.form()
    if not tokens_match(who.csrf, str(form.get("csrf_token", ""))):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "This form has expired. Reload the page.")
    files: dict[str, tuple[str, bytes] | None] = {}
    for field in ("users", "classes", "memberships"):
        upload = form.get(field)
        data = await upload.read() if upload is not None and not isinstance(upload, str) else b""
        files[field] = (getattr(upload, "filename", None) or f"{field}.csv", data) if data else None
    if files["users"] is None:
        return _page(request, who, key, name, error="Choose your users.csv file.")
    try:
        service.import_existing(
            engine_of(request), key, files["users"], files["classes"], files["memberships"],
            now=now(request),
        )  # fmt: skip
    except BadInput as exc:
        return _page(request, who, key, name, error=str(exc))
    return see_other(f"/schools/{key}/first-connection")


@router.post("/schools/{key}/first-connection/choices")
async def save_choices(request: Request, key: str, who: CurrentVisitor) -> Response:
    visible_school(request, who.user, key)
    fields = await form_of(request, who)
    report = _report(request, key)
    chosen: dict[str, tuple[str, int | None]] = {}
    for row in report.rows:
        value = fields.get(f"action-{row.key}", "")
        action, _, existing = value.partition(":")
        if action == "match" and existing.isdigit() and int(existing) in report.existing:
            chosen[row.key] = ("match", int(existing))
        elif action in ("import", "none"):
            chosen[row.key] = (action, None)
    service.choose_classes(engine_of(request), key, chosen)
    return see_other(f"/schools/{key}/first-connection?saved=1")


@router.get("/schools/{key}/first-connection/resolve/{class_key}")
def resolve_page(request: Request, key: str, class_key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    report = _report(request, key)
    row = next((r for r in report.rows if r.key == class_key), None)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found")
    return page(
        request, "first_connection_resolve.html", who=who, key=key, school_name=name,
        row=row, pupils=report.to_resolve.get(class_key, []), report=report,
    )  # fmt: skip


@router.post("/schools/{key}/first-connection/resolve/{class_key}")
async def resolve(request: Request, key: str, class_key: str, who: CurrentVisitor) -> Response:
    visible_school(request, who.user, key)
    fields = await form_of(request, who)
    report = _report(request, key)
    answers: dict[str, int | None] = {}
    for found in report.to_resolve.get(class_key, []):
        answer = fields.get(f"pupil-{found.key}", "")
        if answer == "new":
            answers[found.key] = None
        elif answer.isdigit() and int(answer) in {c.person_id for c in found.candidates}:
            answers[found.key] = int(answer)
    service.resolve(engine_of(request), key, answers)
    return see_other(f"/schools/{key}/first-connection?saved=1")


@router.get("/schools/{key}/first-connection/merge")
def merge_summary(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    report = _report(request, key)
    return page(
        request, "first_connection_merge.html", who=who, key=key, school_name=name,
        report=report, summary=_what_merge_does(report), done=None,
    )  # fmt: skip


def _what_merge_does(report: service.MatchReport) -> dict[str, int]:
    actions = [row.chosen.action for row in report.rows]
    outcomes = [r.outcome for r in report.resolutions.values()]
    return {
        "link_accounts": outcomes.count("linked"),
        "new_accounts": outcomes.count("new"),
        "unresolved": outcomes.count("unresolved") + outcomes.count("issue"),
        "match": actions.count("match"),
        "import": actions.count("import"),
        "none": actions.count("none"),
    }


@router.post("/schools/{key}/first-connection/merge")
async def merge(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    await form_of(request, who)
    try:
        done = service.merge(engine_of(request), key, jobs_of(request).reader(), now(request))
    except SchoolsyncError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, f"The merge did not happen: {exc}") from exc
    return page(
        request, "first_connection_merge.html", who=who, key=key, school_name=name,
        report=None, summary=None, done=done,
    )  # fmt: skip


@router.get("/schools/{key}/first-connection/disconnect")
def disconnect_page(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    return page(request, "disconnect.html", who=who, key=key, school_name=name, done=False)


@router.post("/schools/{key}/first-connection/disconnect")
async def disconnect(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    await form_of(request, who)
    service.disconnect(engine_of(request), key, now(request))
    return page(request, "disconnect.html", who=who, key=key, school_name=name, done=True)


@router.get("/schools/{key}/login-cards")
def cards_index(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    classes = login_cards.card_classes(engine_of(request), key)
    return page(
        request, "login_cards_index.html", who=who, key=key, school_name=name, classes=classes
    )


@router.post("/schools/{key}/login-cards/{class_id}")
async def cards(request: Request, key: str, class_id: int, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    fields = await form_of(request, who)
    try:
        made = login_cards.issue_cards(
            engine_of(request), key, class_id, reissue=bool(fields.get("reissue")),
            now=now(request),
        )  # fmt: skip
    except SchoolsyncError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found") from exc
    return page(request, "login_cards.html", who=who, key=key, school_name=name, cards=made)
