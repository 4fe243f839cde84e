"""A school's Settings page: every setting of the settings table, in its groups. Every
field is checked as `schoolsync school settings` checks it; errors are listed in a summary
that links to each field, and nothing is saved until every field is right."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from schoolsync.services import schools
from schoolsync.web.auth import CurrentVisitor, Visitor, engine_of, form_of, visible_school
from schoolsync.web.pages import page, see_other
from schoolsync.web.settings_form import FIELDS, FORM_GROUPS, FieldError, form_values, read_form

router = APIRouter(include_in_schema=False)

#: Hints longer than the table's one line, where a form needs to say how to type a value.
HINTS = {
    "alert_emails": "One email address a line. Leave it empty to send no emails.",
    "allowed_domains": "One a line, like school.org.uk. A user whose email is in another domain "
    "is left out, with an issue. Leave it empty to allow any domain.",
    "custom_sen_codes": "One a line, like MP=K: your MIS's code, then the official provision it "
    "means (N no SEN, K SEN support, E EHC plan).",
}


@router.get("/schools/{key}/settings")
def settings_page(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    current = schools.school_named(engine_of(request), key).settings
    saved = request.query_params.get("saved") == "1"
    return _page(request, who, key, name, form_values(current), [], saved=saved)


@router.post("/schools/{key}/settings")
async def save_settings(request: Request, key: str, who: CurrentVisitor) -> Response:
    _school_id, name = visible_school(request, who.user, key)
    fields = await form_of(request, who)
    if not who.user.can_approve:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "Vendor support can see a school's settings, not change them.",
        )
    roles = [str(v) for v in (await request.form()).getlist("require_email")]
    engine = engine_of(request)
    result = read_form(fields, roles, schools.school_named(engine, key).settings)
    if result.settings is not None:
        schools.replace_settings(engine, key, result.settings)
    if result.errors:
        return _page(request, who, key, name, result.typed, result.errors, code=400)
    return see_other(f"/schools/{key}/settings?saved=1")


def _page(
    request: Request,
    who: Visitor,
    key: str,
    name: str,
    values: dict[str, object],
    errors: list[FieldError],
    *,
    saved: bool = False,
    code: int = 200,
) -> HTMLResponse:
    return page(
        request, "settings.html", code, who=who, key=key, school_name=name, values=values,
        errors=errors, error_of={e.field: e.message for e in errors},
        labels=dict(FIELDS), groups=FORM_GROUPS, hints=HINTS, saved=saved,
    )  # fmt: skip
