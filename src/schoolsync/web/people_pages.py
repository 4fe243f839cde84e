"""A school's People (search, filter by role and status, a person's page with their photo,
source ids, change history and the exclude toggle) and Classes (subject, teachers, pupils),
keyset-paginated."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response

from schoolsync.errors import NotFound
from schoolsync.services import people as found
from schoolsync.services import people_admin
from schoolsync.services import photos as pupil_photos
from schoolsync.web.auth import CurrentVisitor, engine_of, form_of, visible_school
from schoolsync.web.pages import page, see_other

router = APIRouter(include_in_schema=False)

#: A pupil's photo is theirs: kept by this browser only (never a shared cache), for an hour;
#: the weekly refresh gives a new one at most once a week anyway.
PHOTO_CACHE = "private, max-age=3600"


def _after(name: str | None, row_id: int | None) -> tuple[str, int] | None:
    return (name, row_id) if name is not None and row_id is not None else None


def _next_link(path: str, query: dict[str, str], after: tuple[str, int] | None) -> str | None:
    if after is None:
        return None
    return f"{path}?" + urlencode({**query, "after_name": after[0], "after_id": after[1]})


@router.get("/schools/{key}/people")
def people(
    request: Request,
    key: str,
    who: CurrentVisitor,
    q: str = "",
    role: str = "",
    status_filter: Annotated[str, Query(alias="status")] = "",
    after_name: str | None = None,
    after_id: int | None = None,
) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    after = _after(after_name, after_id)
    listed = found.people_page(
        engine_of(request), key, search=q, role=role, status=status_filter, after=after
    )
    query = {"q": q, "role": role, "status": status_filter}
    return page(
        request, "people.html", who=who, key=key, school_name=name, page=listed, q=q,
        role=role, status=status_filter, roles=found.ROLES, statuses=found.STATUSES,
        next_link=_next_link(f"/schools/{key}/people", query, listed.after),
        first_link=f"/schools/{key}/people?{urlencode(query)}" if after else None,
    )  # fmt: skip


@router.get("/schools/{key}/people/{person_id}")
def person(request: Request, key: str, person_id: int, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    try:
        detail = found.person_detail(engine_of(request), key, person_id)
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found") from exc
    exclusion = people_admin.person_entry(engine_of(request), key, person_id)
    stored = exclusion.attendance if exclusion else None
    attendance = people_admin.attendance_figures(engine_of(request), key, stored)
    return page(
        request, "person.html", who=who, key=key, school_name=name, person=detail,
        roles=found.ROLES, statuses=found.STATUSES, exclusion=exclusion, attendance=attendance,
        changed=request.query_params.get("changed") == "1",
        person_id=person_id,
        has_photo=pupil_photos.has_photo(engine_of(request), key, person_id),
    )  # fmt: skip


@router.get("/schools/{key}/people/{person_id}/photo")
def photo(request: Request, key: str, person_id: int, who: CurrentVisitor) -> Response:
    """The pupil's thumbnail photo, as the MIS sent it (its type checked when it was stored);
    404 without one, as for a person of another school."""
    visible_school(request, who.user, key)
    stored = pupil_photos.photo_of(engine_of(request), key, person_id)
    if stored is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found")
    content_type, data = stored
    return Response(data, media_type=content_type, headers={"Cache-Control": PHOTO_CACHE})


@router.post("/schools/{key}/people/{person_id}/exclude")
async def exclude(request: Request, key: str, person_id: int, who: CurrentVisitor) -> Response:
    """The exclude toggle: the person is left out of every sync until the box is unticked."""
    visible_school(request, who.user, key)
    fields = await form_of(request, who)
    if not who.user.can_approve:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "Vendor support can see who is excluded, not change it."
        )
    try:
        people_admin.set_excluded_by_id(
            engine_of(request), key, person_id, fields.get("excluded") == "yes",
            by=who.user.email, now=dt.datetime.now(dt.UTC),
        )  # fmt: skip
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found") from exc
    return see_other(f"/schools/{key}/people/{person_id}?changed=1")


@router.get("/schools/{key}/classes")
def classes(
    request: Request,
    key: str,
    who: CurrentVisitor,
    q: str = "",
    after_name: str | None = None,
    after_id: int | None = None,
) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    after = _after(after_name, after_id)
    listed = found.classes_page(engine_of(request), key, search=q, after=after)
    return page(
        request, "classes.html", who=who, key=key, school_name=name, page=listed, q=q,
        next_link=_next_link(f"/schools/{key}/classes", {"q": q}, listed.after),
        first_link=f"/schools/{key}/classes?{urlencode({'q': q})}" if after else None,
    )  # fmt: skip


@router.get("/schools/{key}/classes/{class_id}")
def school_class(request: Request, key: str, class_id: int, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    try:
        detail = found.class_detail(engine_of(request), key, class_id)
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found") from exc
    return page(request, "class.html", who=who, key=key, school_name=name, found=detail)
