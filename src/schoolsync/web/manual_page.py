"""The manual sync wizard: step 1 subjects, step 2 classes, step 3 warnings, then Continue.

One thing per page, as GOV.UK's question pages do. The choices so far travel in each step's
form (nothing is kept on the server between steps); Continue applies exactly the plan shown,
by its hash, and shows the new plan instead when the MIS changed meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from schoolsync.engine.choices import Offer
from schoolsync.errors import PlanChanged, SchoolsyncError
from schoolsync.services import manual
from schoolsync.web.auth import CurrentVisitor, Visitor, engine_of, form_of, visible_school
from schoolsync.web.pages import jobs_of, page, see_other

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Item:
    """A subject or class offered: ticked when it is chosen, `was` whether it synced before."""

    id: str
    name: str
    chosen: bool
    was: bool
    subject: str = ""
    subject_id: str = ""
    year: str = ""


def _items(offer: Offer, classes: bool = False) -> list[Item]:
    return [
        Item(
            o.source_id, o.name, o.source_id in offer.chosen, o.source_id in offer.synced,
            subject=o.subject or ("No subject" if classes else ""), subject_id=o.subject_id,
            year=o.year,
        )
        for o in offer.options
    ]  # fmt: skip


async def _form(request: Request, who: Visitor) -> tuple[dict[str, str], Any]:
    fields = await form_of(request, who)
    return fields, await request.form()


def _ids(form: Any, name: str) -> list[str]:
    return [str(v) for v in form.getlist(name)]


@router.get("/schools/{key}/manual")
def step_subjects(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    offer = _read(request, lambda read: manual.subject_offer(engine_of(request), key, read))
    items = _items(offer)
    return page(request, "manual_subjects.html", who=who, key=key, school_name=name, items=items)


@router.post("/schools/{key}/manual/classes")
async def step_classes(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    fields, form = await _form(request, who)
    subjects = _ids(form, "subject")
    picked = set(_ids(form, "class")) if fields.get("picking") else None
    offer = _read(
        request, lambda read: manual.class_offer(engine_of(request), key, read, subjects, picked)
    )
    items = _items(offer, classes=True)
    select_all = fields.get("select_all")
    if select_all is not None:
        # "Select all in this subject": every class of it, on top of what is ticked.
        ticked = {i.id for i in items if i.chosen} | {
            i.id for i in items if i.subject_id == select_all
        }
        items = [_ticked(i, i.id in ticked) for i in items]
    by_subject = fields.get("filter_subject", "")
    by_year = fields.get("filter_year", "")
    shown = [
        i for i in items
        if (not by_subject or i.subject_id == by_subject) and (not by_year or i.year == by_year)
    ]  # fmt: skip
    return page(
        request, "manual_classes.html", who=who, key=key, school_name=name, items=items,
        shown=shown, subjects=subjects, filter_subject=by_subject, filter_year=by_year,
        subject_names=sorted({(i.subject_id, i.subject) for i in items}, key=lambda s: s[1]),
        years=sorted({i.year for i in items if i.year}, key=lambda y: (len(y), y)),
    )  # fmt: skip


def _ticked(item: Item, chosen: bool) -> Item:
    return Item(item.id, item.name, chosen, item.was, item.subject, item.subject_id, item.year)


@router.post("/schools/{key}/manual/warnings")
async def step_warnings(request: Request, key: str, who: CurrentVisitor) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    _fields, form = await _form(request, who)
    subjects, classes = _ids(form, "subject"), _ids(form, "class")
    return _warnings_page(request, who, key, name, subjects, classes)


def _warnings_page(
    request: Request,
    who: Visitor,
    key: str,
    name: str,
    subjects: list[str],
    classes: list[str],
    changed: bool = False,
) -> HTMLResponse:
    shown = _read(
        request,
        lambda read: manual.shown_plan(engine_of(request), key, read, subjects, classes),
    )
    return page(
        request, "manual_warnings.html", status.HTTP_409_CONFLICT if changed else 200, who=who,
        key=key, school_name=name, plan=shown, subjects=subjects, classes=classes,
        changed=changed,
    )  # fmt: skip


@router.post("/schools/{key}/manual/apply")
async def apply(request: Request, key: str, who: CurrentVisitor) -> Response:
    _school_id, name = visible_school(request, who.user, key)
    fields, form = await _form(request, who)
    if not who.user.can_approve:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Vendor support cannot approve changes.")
    subjects, classes = _ids(form, "subject"), _ids(form, "class")
    # Holds shown but not ticked stay held; the rest of the plan applies.
    keep = set(_ids(form, "shown_hold")) - set(_ids(form, "approve"))
    try:
        result = _read(
            request,
            lambda read: manual.apply_chosen(
                engine_of(request), key, read, subjects, classes,
                plan_hash=fields.get("plan_hash", ""), keep_held=keep,
                approved_by=who.user.email,
            ),
        )  # fmt: skip
    except PlanChanged:
        return _warnings_page(request, who, key, name, subjects, classes, changed=True)
    return see_other(f"/schools/{key}/runs/{result.run_id}")


def _read(request: Request, step: Any) -> Any:
    """Run a step that reads the MIS; a source that cannot be read (or a school syncing now)
    is said on the page."""
    try:
        return step(jobs_of(request).reader())
    except PlanChanged:
        raise
    except SchoolsyncError as exc:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"The manual sync could not go ahead: {exc}"
        ) from exc
