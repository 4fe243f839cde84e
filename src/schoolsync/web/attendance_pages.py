"""Reception (late arrivals and early leavers, on a tablet: find a pupil by name, pick a
reason, done) and the write-back log, which shows where each mark is on its way to the MIS."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from schoolsync.errors import BadInput
from schoolsync.model.attendance import DIRECTION_LABELS, MARK_STATUS_LABELS, MARK_STATUSES
from schoolsync.services import attendance
from schoolsync.web.auth import CurrentVisitor, Visitor, engine_of, form_of, now, visible_school
from schoolsync.web.pages import page, see_other, templates

router = APIRouter(include_in_schema=False)
templates.env.filters["clock"] = lambda moment, zone: moment.astimezone(zone).strftime(
    "%-d %b %Y, %H:%M"
)

#: The colour of each status's tag, and what it means for the school.
STATUS_TAGS = {"queued": "yellow", "sent": "blue", "confirmed": "green", "failed": "red"}
STATUS_MEANINGS = {
    "queued": "Stored here and waiting to be sent: while the MIS is offline, marks wait and "
    "are sent when it is back.",
    "sent": "The MIS has it and is entering it in the register.",
    "confirmed": "The MIS has entered it in the register.",
    "failed": "It could not be written to the MIS (the reason is shown) and will not be "
    "sent again: enter it in the MIS by hand.",
}


@router.get("/schools/{key}/reception")
def reception(
    request: Request, key: str, who: CurrentVisitor, q: str = "", pupil: int | None = None,
    done: int | None = None,
) -> HTMLResponse:  # fmt: skip
    return _reception(request, who, key, q=q, pupil_id=pupil, done=done)


def _reception(
    request: Request,
    who: Visitor,
    key: str,
    *,
    q: str = "",
    pupil_id: int | None = None,
    done: int | None = None,
    error: str | None = None,
    chosen: dict[str, str] | None = None,
    code: int = 200,
) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    engine = engine_of(request)
    shown = attendance.setup_of(engine, key)
    found = attendance.find_pupils(engine, key, q) if q.strip() and pupil_id is None else []
    pupil = attendance.pupil_of(engine, key, pupil_id) if pupil_id is not None else None
    if pupil_id is not None and pupil is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Page not found")
    recorded = attendance.mark_of(engine, key, done) if done is not None else None
    zone = attendance.zone_of(shown.school)
    local = now(request).astimezone(zone)
    default_direction = "late" if local.hour < 12 else "early"
    # A school's own reason is sent by its name, an MIS code by its letter.
    reasons = {r.label for r in shown.setup.reasons}
    options = [
        (c.label if c.label in reasons else c.code.code, c.label, c.code.code, c.label in reasons)
        for c in shown.choices
    ]
    return page(
        request, "reception.html", code, who=who, key=key, school_name=name, q=q,
        found=found, pupil=pupil, setup=shown.setup, options=options, recorded=recorded,
        recorded_at=recorded.occurred_at.astimezone(zone).strftime("%H:%M") if recorded else "",
        error=error, chosen=chosen or {"direction": default_direction},
        directions=DIRECTION_LABELS, now_text=f"{local:%H:%M}",
    )  # fmt: skip


@router.post("/schools/{key}/reception")
async def record(request: Request, key: str, who: CurrentVisitor) -> Response:
    visible_school(request, who.user, key)
    fields = await form_of(request, who)
    if not who.user.can_approve:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "Vendor support can see reception, not sign pupils in."
        )
    try:
        pupil_id = int(fields.get("pupil", ""))
    except ValueError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Choose a pupil first.") from None
    chosen = {k: fields.get(k, "") for k in ("direction", "reason", "at")}
    try:
        signed = attendance.sign_in(
            engine_of(request), request.app.state.settings, key, pupil=pupil_id,
            direction=chosen["direction"], reason=chosen["reason"], at=chosen["at"] or None,
            now=now(request), by=who.user.email,
        )  # fmt: skip
    except BadInput as exc:
        return _reception(
            request, who, key, pupil_id=pupil_id, error=str(exc), chosen=chosen, code=400
        )
    return see_other(f"/schools/{key}/reception?done={signed.mark_id}")


@router.get("/schools/{key}/writebacks")
def writeback_log(
    request: Request, key: str, who: CurrentVisitor, status_filter: str = ""
) -> HTMLResponse:
    _school_id, name = visible_school(request, who.user, key)
    wanted = status_filter if status_filter in MARK_STATUSES else None
    school, rows = attendance.log(engine_of(request), key, status=wanted)
    return page(
        request, "writebacks.html", who=who, key=key, school_name=name, rows=rows,
        zone=attendance.zone_of(school),
        wanted=wanted, statuses=MARK_STATUSES, status_labels=MARK_STATUS_LABELS,
        tags=STATUS_TAGS, meanings=STATUS_MEANINGS, directions=DIRECTION_LABELS,
    )  # fmt: skip
