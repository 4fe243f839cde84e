"""A school's Permissions page: the Wonde permissions the sync uses, whether each is granted,
what a missing one leaves out, and a link to the Wonde portal where they are granted."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from schoolsync.errors import SchoolsyncError
from schoolsync.services.permissions import WONDE_PORTAL, school_permissions
from schoolsync.web.auth import CurrentVisitor, engine_of, visible_school
from schoolsync.web.pages import page

router = APIRouter(include_in_schema=False)


@router.get("/schools/{key}/permissions")
def permissions_page(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    read = getattr(request.app.state, "permissions", None)
    view, problem = None, None
    if read is None:
        problem = "This server cannot reach Wonde, so the permissions cannot be shown here."
    else:
        try:
            view = school_permissions(engine_of(request), key, read)
        except SchoolsyncError as exc:
            problem = f"The permissions could not be read from Wonde: {exc}"
    return page(
        request, "permissions.html", who=who, key=key, school_name=name, view=view,
        problem=problem, portal=WONDE_PORTAL,
    )  # fmt: skip
