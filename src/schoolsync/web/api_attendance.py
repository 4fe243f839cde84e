"""The REST API's attendance write-back routes (included by `web/api.py`'s app):

    GET  /api/schools/{key}/attendance        session times, reasons, codes, what reception offers
    POST /api/schools/{key}/signins           {"pupil": "MIS id, UPN or username" | "person_id": 7,
                                               "direction": "late"|"early", "reason": "Dentist",
                                               "at": "09:12"}: the mark, queued for the MIS
    GET  /api/schools/{key}/writebacks        marks, newest first, with status and problem

A mark that cannot be written back (a pupil who has left, a future time, a disabled code, an
MIS that allows no write-back) is a 422 saying why; nothing is stored. Vendor support may read,
not sign pupils in.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from schoolsync.accounts import User
from schoolsync.model.attendance import MARK_STATUSES
from schoolsync.services import attendance
from schoolsync.web.api_common import SchoolKey, Store, answering, may_approve


class SignInBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pupil: str | None = Field(
        default=None, min_length=1, max_length=64, description="MIS id, UPN or username."
    )
    person_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="Or the id.")
    direction: Literal["late", "early"] = Field(description="Arrived late or left early.")
    reason: str = Field(min_length=1, max_length=200, description="A reason or a code letter.")
    at: str | None = Field(
        default=None, pattern=r"^\d{1,2}:\d{2}$", description="Today, HH:MM; default now."
    )


def _now(request: Request) -> dt.datetime:
    """The web app's clock (a seam for tests); the bare API app has none and reads the time."""
    clock = getattr(request.app.state, "clock", None)
    moment: dt.datetime = clock() if clock is not None else dt.datetime.now(dt.UTC)
    return moment


def attendance_router(dependencies: list[Any]) -> APIRouter:
    router = APIRouter(dependencies=dependencies)

    @router.get("/api/schools/{key}/attendance")
    def attendance_setup(key: SchoolKey, store: Store) -> dict[str, Any]:
        with answering():
            return attendance.reception_json(attendance.setup_of(store, key))

    @router.post("/api/schools/{key}/signins")
    def sign_in(key: SchoolKey, body: SignInBody, store: Store, request: Request) -> dict[str, Any]:
        user: User = request.state.user
        may_approve(user, "sign pupils in")
        if (body.pupil is None) == (body.person_id is None):
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, "name the pupil or give person_id, not both"
            )
        pupil: str | int = body.person_id if body.person_id is not None else str(body.pupil)
        with answering():
            signed = attendance.sign_in(
                store, request.app.state.settings, key, pupil=pupil, direction=body.direction,
                reason=body.reason, at=body.at, now=_now(request), by=user.email,
            )  # fmt: skip
        return attendance.signed_json(signed)

    @router.get("/api/schools/{key}/writebacks")
    def writebacks(
        key: SchoolKey,
        store: Store,
        status_filter: Annotated[
            str | None, Query(alias="status", pattern=f"^({'|'.join(MARK_STATUSES)})$")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> list[dict[str, Any]]:
        with answering():
            _school, rows = attendance.log(store, key, limit=limit, status=status_filter)
        return [attendance.mark_json(r) for r in rows]

    return router
