"""A school's Term dates page: the terms entered, whether syncing is paused and why, and a form
for one academic year's six terms, checked as `schoolsync terms --file` checks a CSV."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from schoolsync.engine.term_dates_csv import check_term_dates
from schoolsync.errors import ConfigError
from schoolsync.model.terms import TERM_LABELS, TERMS, TermDate, academic_year_of, year_label
from schoolsync.services import terms as term_service
from schoolsync.web.auth import CurrentVisitor, Visitor, engine_of, form_of, visible_school
from schoolsync.web.pages import page, see_other
from schoolsync.web.settings_form import FieldError

router = APIRouter(include_in_schema=False)


def _year_to_enter(terms: list[TermDate], today: dt.date) -> int:
    """The year the form offers: this academic year if it is missing, else the next."""
    this_year = academic_year_of(today)
    return this_year if this_year not in {t.academic_year for t in terms} else this_year + 1


@router.get("/schools/{key}/terms")
def terms_page(
    request: Request, key: str, who: CurrentVisitor, year: int | None = None
) -> Response:
    _school_id, name = visible_school(request, who.user, key)
    now = dt.datetime.now(dt.UTC)
    view = term_service.show_terms(engine_of(request), key, now)
    chosen = year if year is not None and 2000 <= year <= 2100 else None
    chosen = chosen or _year_to_enter(view.terms, now.date())
    given = {t.term: t for t in view.terms if t.academic_year == chosen}
    values = {
        f"{term}-{end}": (getattr(given[term], f"{end}s_on").isoformat() if term in given else "")
        for term in TERMS
        for end in ("start", "end")
    }
    saved = request.query_params.get("saved") == "1"
    return _page(request, who, key, name, view, chosen, values, [], saved=saved)


@router.post("/schools/{key}/terms")
async def save_terms(request: Request, key: str, who: CurrentVisitor) -> Response:
    _school_id, name = visible_school(request, who.user, key)
    fields = await form_of(request, who)
    if not who.user.can_approve:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "Vendor support can see term dates, not change them."
        )
    try:
        year = int(fields.get("year", ""))
    except ValueError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Choose an academic year") from exc
    values = {
        f"{t}-{e}": fields.get(f"{t}-{e}", "").strip() for t in TERMS for e in ("start", "end")
    }
    entries = [
        (TERM_LABELS[t], [year_label(year), t, values[f"{t}-start"], values[f"{t}-end"]])
        for t in TERMS
    ]
    now = dt.datetime.now(dt.UTC)
    try:
        terms = check_term_dates(entries, "The term dates were not saved:")
    except ConfigError as exc:
        errors = _field_errors(str(exc))
        view = term_service.show_terms(engine_of(request), key, now)
        return _page(request, who, key, name, view, year, values, errors, code=400)
    term_service.save_terms(engine_of(request), key, terms, now)
    return see_other(f"/schools/{key}/terms?year={year}&saved=1")


def _field_errors(message: str) -> list[FieldError]:
    """Each problem linked to the field it is about: its term's start (or end) date."""
    by_label = {label: term for term, label in TERM_LABELS.items()}
    errors = []
    for line in message.splitlines()[1:]:
        label, _, problem = line.strip().partition(": ")
        term = by_label.get(label, "autumn1")
        end = "end" if problem.startswith("end ") or "ends before" in problem else "start"
        errors.append(FieldError(f"{term}-{end}", f"{label}: {problem}"))
    return errors


def _page(
    request: Request,
    who: Visitor,
    key: str,
    name: str,
    view: term_service.TermsView,
    year: int,
    values: dict[str, str],
    errors: list[FieldError],
    *,
    saved: bool = False,
    code: int = 200,
) -> HTMLResponse:
    years = sorted({t.academic_year for t in view.terms})
    return page(
        request, "terms.html", code, who=who, key=key, school_name=name, view=view,
        years=[(y, [t for t in view.terms if t.academic_year == y]) for y in years],
        year=year, year_label=year_label, term_labels=TERM_LABELS, terms=TERMS, values=values,
        errors=errors, error_of={e.field: e.message for e in errors}, saved=saved,
    )  # fmt: skip
