"""Connecting a school from the web app: the request form on the school's MIS sync page (the
member of staff Wonde contacts), and the vendor's list of schools waiting for their approval,
with how long each has waited."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from schoolsync.errors import SchoolsyncError
from schoolsync.services.connections import check_contact, request_connection, waiting
from schoolsync.web.auth import CurrentVisitor, engine_of, form_of, now, visible_school
from schoolsync.web.pages import page, school_page, see_other

router = APIRouter(include_in_schema=False)

#: Form fields, with what a person sees the field called in an error.
FIELDS = ("wonde_school_id", "contact_name", "contact_email", "contact_phone")


@router.post("/schools/{key}/connect")
async def request_mis_sync(request: Request, key: str, who: CurrentVisitor) -> Response:
    visible_school(request, who.user, key)
    fields = await form_of(request, who)
    if not who.user.can_approve:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Vendor support cannot connect a school.")
    given = {name: fields.get(name, "").strip() for name in FIELDS}
    receiver = getattr(request.app.state, "webhooks", None)
    if receiver is None:
        return school_page(request, key, who, 400, given=given, connect_error=(
            "This server cannot ask Wonde for access: it has no Wonde settings."
        ))  # fmt: skip
    try:
        contact = check_contact(
            given["contact_name"], given["contact_email"], given["contact_phone"] or None
        )
        request_connection(
            engine_of(request), receiver.settings, key,
            wonde_school_id=given["wonde_school_id"], contact=contact, now=now(request),
            transport=receiver.transport,
        )  # fmt: skip
    except SchoolsyncError as exc:
        # The CLI's words name its options; a form names its fields.
        message = str(exc).replace("--contact-", "the contact's ").replace("--", "the ")
        message = message[:1].upper() + message[1:]
        return school_page(request, key, who, 400, given=given, connect_error=message)
    return see_other(f"/schools/{key}#connection")


@router.get("/connections")
def waiting_schools(request: Request, who: CurrentVisitor) -> HTMLResponse:
    if not who.user.is_vendor:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found")
    moment = now(request)
    rows = [
        {"school": school, "asked": asked, "waited": waited_words(moment - asked) if asked else ""}
        for school, asked in waiting(engine_of(request))
    ]
    return page(request, "connections.html", who=who, rows=rows)


def waited_words(waited: dt.timedelta) -> str:
    """How long a school has waited, as a person says it."""
    days = waited.days
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = int(waited.total_seconds() // 3600)
    if hours >= 1:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return "less than an hour"
