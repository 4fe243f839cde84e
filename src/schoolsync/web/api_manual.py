"""The manual sync over the API, the same steps as the web wizard: what is on offer, the plan a
choice makes, and Continue, which applies exactly that plan.

    GET  /api/schools/{key}/manual/choices   ?subject=S1&subject=S2: the subjects on offer, and
                                             the classes of the chosen ones (the saved scope's
                                             when none are given), each with `chosen`/`synced`
    POST /api/schools/{key}/manual/plan      {"subjects": [...], "classes": [...]}: the plan,
                                             its `plan_hash`, and each held change with what
                                             approving it would remove
    POST /api/schools/{key}/manual/start     {..., "plan_hash": "...", "approve": [fingerprints]}:
                                             apply that plan; holds not named in `approve`
                                             stay held. 409 with the new plan when the MIS
                                             changed since (nothing is applied then)

Nothing is kept between the calls: each reads the MIS again. Vendor support may look but not
start: applying a manual sync approves what it holds."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from schoolsync.engine.choices import Offer
from schoolsync.errors import PlanChanged, SchoolsyncError
from schoolsync.services import manual
from schoolsync.web.api_common import CHECKED, Caller, SchoolKey, Store, answering, may_approve

if TYPE_CHECKING:
    from schoolsync.pipeline import SnapshotReader

router = APIRouter(dependencies=CHECKED)

SourceIds = list[Annotated[str, Field(min_length=1, max_length=64)]]


class ChoiceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subjects: SourceIds = Field(max_length=5_000, description="Subjects to sync, by source id.")
    classes: SourceIds = Field(max_length=50_000, description="Classes to sync, by source id.")


class StartBody(ChoiceBody):
    plan_hash: str = Field(min_length=1, max_length=128, description="From .../manual/plan.")
    approve: SourceIds = Field(
        default_factory=list, max_length=10_000, description="Fingerprints of holds to apply."
    )


def _reader(request: Request) -> SnapshotReader:
    make = request.app.state.reader
    if make is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "this API was started without a way to read MIS"
        )
    reader: SnapshotReader = make()
    return reader


def _offer(offer: Offer) -> list[dict[str, Any]]:
    return [
        {"source_id": o.source_id, "name": o.name, "subject_id": o.subject_id or None,
         "subject": o.subject or None, "year": o.year or None,
         "chosen": o.source_id in offer.chosen, "synced": o.source_id in offer.synced}
        for o in offer.options
    ]  # fmt: skip


def _plan(shown: manual.ShownPlan) -> dict[str, Any]:
    return {
        "plan_hash": shown.plan_hash,
        "changes": shown.counts,
        "holds": [
            {"fingerprint": h.fingerprint, "message": h.message, "losses": list(h.losses),
             "changes": [c.as_json() for c in h.changes]}
            for h in shown.holds
        ],
    }  # fmt: skip


@contextlib.contextmanager
def _answering() -> Iterator[None]:
    """The services' errors as answers; a school syncing now or a MIS that cannot be read is a
    409 that says so. A changed plan is the caller's to answer."""
    try:
        with answering():
            yield
    except (HTTPException, PlanChanged):
        raise
    except SchoolsyncError as error:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"The manual sync could not go ahead: {error}"
        ) from error


@router.get("/api/schools/{key}/manual/choices")
def choices(
    key: SchoolKey,
    store: Store,
    request: Request,
    subject: Annotated[list[str] | None, Query(max_length=5_000)] = None,
) -> dict[str, Any]:
    read = _reader(request)
    with _answering():
        subjects = manual.subject_offer(store, key, read)
        chosen = subject if subject is not None else sorted(subjects.chosen)
        classes = manual.class_offer(store, key, read, chosen)
    return {"subjects": _offer(subjects), "classes": _offer(classes)}


@router.post("/api/schools/{key}/manual/plan")
def plan(key: SchoolKey, body: ChoiceBody, store: Store, request: Request) -> dict[str, Any]:
    read = _reader(request)
    with _answering():
        return _plan(manual.shown_plan(store, key, read, body.subjects, body.classes))


@router.post("/api/schools/{key}/manual/start")
def start(
    key: SchoolKey, body: StartBody, store: Store, request: Request, user: Caller
) -> dict[str, Any]:
    may_approve(user, "apply a manual sync")
    read = _reader(request)
    with _answering():
        try:
            result = manual.apply_approving(
                store, key, read, body.subjects, body.classes, plan_hash=body.plan_hash,
                approve=body.approve, approved_by=user.email,
            )  # fmt: skip
        except PlanChanged as exc:
            shown = manual.shown_plan(store, key, read, body.subjects, body.classes)
            raise HTTPException(
                status.HTTP_409_CONFLICT, {"message": str(exc), "plan": _plan(shown)}
            ) from exc
    return {"run_id": result.run_id, "status": result.status}
