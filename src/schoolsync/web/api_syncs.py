"""Asking for a sync over the API, ahead of the scheduled ones:

    POST /api/schools/{key}/syncs   {"full": false} (optional): queue an expedited sync, which
                                    `schoolsync serve` or a worker runs first. 202 with the job;
                                    200 with the same job while it is still queued (asking twice
                                    queues one); 409 with the plain-English reason when the
                                    school's connection does not let it sync (nothing queued)

School admins (their own school) and vendor staff, support included: starting a sync approves
nothing, so it is support's to do too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict, Field

from schoolsync.errors import SyncSkipped
from schoolsync.services.queueing import queue_sync
from schoolsync.web.api_common import CHECKED, SchoolKey, Store, answering

router = APIRouter(dependencies=CHECKED)


class SyncBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full: bool = Field(default=False, description="Read everything, not only changes.")


@router.post("/api/schools/{key}/syncs", status_code=status.HTTP_202_ACCEPTED)
def queue(
    key: SchoolKey, store: Store, response: Response, body: SyncBody | None = None
) -> dict[str, Any]:
    full = body.full if body is not None else False
    with answering():
        try:
            queued = queue_sync(store, key, dt.datetime.now(dt.UTC), full=full)
        except SyncSkipped as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    if queued.already_queued:
        response.status_code = status.HTTP_200_OK
    return queued.as_json()
