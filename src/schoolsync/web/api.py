"""The REST API: what the product tells schoolsync and what it asks of it.

    GET  /api/schools                                     schools and their keys
    GET  /api/schools/{key}/runs                          sync history, newest first
    GET  /api/schools/{key}/runs/{run_id}                 one run: its changes by name, its
                                                           issues and how to fix them, its holds
    GET  /api/schools/{key}/issues.csv                    the school's open issues (CSV)
    GET  /api/schools/{key}/runs/{run_id}/issues.csv      one run's own issues (CSV)
    GET  /api/schools/{key}/holds                         changes waiting for approval
    GET  /api/schools/{key}/holds/groups                  the same, one summary per rule
    POST /api/schools/{key}/holds/approve                 {"hold_ids": [3], "rules": [...],
                                                           "approved_by": "..."}: the next
                                                           sync applies them, the rest wait
    PUT  /api/schools/{key}/classes/{mis_id}/dependents   {"count": 12, "label": "tasks"}
    POST /api/schools/{key}/syncs                         queue a sync ahead of the scheduled
                                                           ones (web/api_syncs.py)

Every request needs `Authorization: Bearer <token>`: a user's own API token (made on the web
app's "API tokens" page), or `SCHOOLSYNC_API_TOKEN`, a bootstrap token with a vendor admin's
rights. A school admin's token sees their own school only: any other school answers 404. The
app is built by `create_app(engine, api_token)`, never at import time.

Every path and body value is checked against what the store can hold before the store sees it
(ids within a 32-bit integer, text within its column), so a bad value is a 422 naming it, an
unknown school, run or class a 404, and never a 500.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, HTTPException, Path, Query, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from schoolsync.accounts import User
from schoolsync.config import Settings
from schoolsync.engine.hold_groups import group_holds
from schoolsync.issues_csv import write_issues_csv
from schoolsync.model import Issue, run_status
from schoolsync.services import holds as hold_service
from schoolsync.services import reports, schools
from schoolsync.services.handle import Store as Engine
from schoolsync.services.run_page import run_page
from schoolsync.web import api_manual, api_people, api_syncs
from schoolsync.web.api_common import (
    CHECKED,
    MAX_INTEGER,
    RunId,
    SchoolKey,
    Store,
    may_approve,
)
from schoolsync.web.api_common import answering as _answering
from schoolsync.web.api_first_connection import add_first_connection_routes

if TYPE_CHECKING:
    from collections.abc import Callable

    from schoolsync.pipeline import SnapshotReader

ATTENDANCE_DOC = """
Attendance write-back (late arrivals and early leavers, written back to the MIS):

    GET  /api/schools/{key}/attendance                    session times, reasons, codes
    POST /api/schools/{key}/signins                       {"pupil": "...", "direction":
                                                           "late", "reason": "Dentist"}
    GET  /api/schools/{key}/writebacks                    the marks and their status
"""

#: The most runs one listing returns, whatever is asked.
MAX_RUNS = 200
ClassMisId = Annotated[
    str, Path(min_length=1, max_length=64, description="The class's MIS id, as stored")
]


class DependentsBody(BaseModel):
    # A misspelt field would otherwise be dropped silently and the default stored instead.
    model_config = ConfigDict(extra="forbid")

    count: int = Field(
        ge=0,
        le=MAX_INTEGER,
        strict=True,
        description="How many items hang off the class (0 clears it).",
    )
    label: Annotated[str, StringConstraints(strip_whitespace=True)] = Field(
        default="items", min_length=1, max_length=60, description="What they are, e.g. tasks."
    )


def _csv(found: list[Issue], filename: str) -> Response:
    buffer = io.StringIO()
    write_issues_csv(found, buffer)
    return Response(
        content=buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class ApprovalBody(BaseModel):
    hold_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=list, max_length=10_000, description="Holds to approve, by id."
    )
    rules: list[Annotated[str, Field(min_length=1, max_length=30)]] = Field(
        default_factory=list, max_length=20, description="Approve every hold of these rules."
    )
    approved_by: str = Field(min_length=1, max_length=200, description="Who approves.")


def create_app(
    engine: Engine,
    api_token: str | None,
    reader: Callable[[], SnapshotReader] | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """`api_token` None: only users' own tokens are accepted. `reader`: how the manual sync
    reads a school's MIS (None: the manual sync routes answer 503). `settings`: what reading
    the MIS's attendance codes at a first sign-in needs (None: they must have been read)."""
    from schoolsync.web.api_attendance import attendance_router

    app = FastAPI(title="schoolsync", description=__doc__ + ATTENDANCE_DOC)
    app.state.engine = engine
    app.state.api_token = api_token
    app.state.reader = reader
    app.state.settings = settings
    router_deps = CHECKED

    @app.get("/api/schools", dependencies=router_deps)
    def list_schools(store: Store, request: Request) -> list[dict[str, Any]]:
        user: User = request.state.user
        return [
            {
                "key": s.key,
                "name": s.name,
                "source": s.source_kind,
                #: model/connection.py: not_connected, pending, approved, audited, declined,
                #: revoked or offline
                "connection": s.state,
                "last_full_sync_at": s.last_full_sync_at,
            }
            for s in schools.list_schools(store)
            if user.sees(s.id)
        ]

    @app.get("/api/schools/{key}/runs", dependencies=router_deps)
    def runs(
        key: SchoolKey, store: Store, limit: Annotated[int, Query(ge=1, le=MAX_INTEGER)] = 20
    ) -> list[dict[str, Any]]:
        with _answering():
            found = reports.list_runs(store, key, min(max(limit, 1), MAX_RUNS)).runs
        return [
            {
                "run_id": r.id,
                "status": r.status,
                "status_label": run_status.label(r.status),
                "trigger": r.trigger,
                "source": r.source,
                "mode": r.mode,
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "counts": r.counts,
                "held": r.held,
                "issues": r.issue_count,
                "open_issues": r.open_issues,
                "approved_by": r.approved_by,
                "message": r.message,
            }
            for r in found
        ]

    @app.get("/api/schools/{key}/runs/{run_id}", dependencies=router_deps)
    def run(key: SchoolKey, run_id: RunId, store: Store) -> dict[str, Any]:
        """What the run's page shows: every change by name (the first 500), its issues with
        how to fix each, and the changes it held with what approving would remove."""
        with _answering():
            detail = run_page(store, key, run_id)
        return {
            "run_id": detail.run.id,
            "status": detail.run.status,
            "status_label": run_status.label(detail.run.status),
            "change_count": detail.change_count,
            "changes": [c.as_json() for c in detail.changes],
            "issues": [
                {"entity": i.issue.entity, "entity_type": i.issue.entity_type,
                 "entity_name": i.issue.entity_name,
                 "mis_id": i.issue.mis_id, "message": i.issue.message,
                 "severity": i.issue.severity, "resolution": i.resolution}
                for i in detail.issues
            ],
            "held": [
                {"id": h.id, "message": h.message, "state": h.state, "losses": h.losses,
                 "changes": [c.as_json() for c in h.changes]}
                for h in detail.held
            ],
        }  # fmt: skip

    @app.get("/api/schools/{key}/issues.csv", dependencies=router_deps)
    def open_issues_csv(key: SchoolKey, store: Store) -> Response:
        with _answering():
            return _csv(reports.issues(store, key), f"issues-{key}-open.csv")

    @app.get("/api/schools/{key}/runs/{run_id}/issues.csv", dependencies=router_deps)
    def issues_csv(key: SchoolKey, run_id: RunId, store: Store) -> Response:
        with _answering():
            return _csv(reports.issues(store, key, run_id), f"issues-{run_id}.csv")

    @app.get("/api/schools/{key}/holds", dependencies=router_deps)
    def holds(key: SchoolKey, store: Store) -> list[dict[str, Any]]:
        with _answering():
            waiting = hold_service.pending(store, key)
        return [hold_service.hold_json(h, waiting.directory) for h in waiting.holds]

    @app.get("/api/schools/{key}/holds/groups", dependencies=router_deps)
    def hold_groups(key: SchoolKey, store: Store) -> list[dict[str, Any]]:
        with _answering():
            waiting = hold_service.pending(store, key)
        return [
            {
                "rule": group.rule,
                "count": len(group.holds),
                "summary": group.summary,
                "hold_ids": [h.id for h in group.holds],
            }
            for group in group_holds(waiting.holds)
        ]

    @app.post("/api/schools/{key}/holds/approve", dependencies=router_deps)
    def approve(
        key: SchoolKey, body: ApprovalBody, store: Store, request: Request
    ) -> dict[str, Any]:
        user: User = request.state.user
        may_approve(user, "approve changes")
        if not (body.hold_ids or body.rules):
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, "name hold_ids or rules to approve"
            )
        with _answering():
            chosen = hold_service.approve(
                store,
                key,
                hold_ids=body.hold_ids,
                rules=body.rules,
                approved_by=body.approved_by,
                now=dt.datetime.now(dt.UTC),
            )
        return {"approved": [h.id for h in chosen], "applied": "by the next sync"}

    @app.put("/api/schools/{key}/classes/{class_mis_id}/dependents", dependencies=router_deps)
    def dependents(
        key: SchoolKey, class_mis_id: ClassMisId, body: DependentsBody, store: Store
    ) -> dict[str, Any]:
        with _answering():
            schools.set_class_dependents(
                store, key, class_mis_id, body.count, body.label, dt.datetime.now(dt.UTC)
            )
        return {"class_mis_id": class_mis_id, "count": body.count, "label": body.label}

    app.include_router(api_people.router)
    app.include_router(api_manual.router)
    app.include_router(api_syncs.router)
    app.include_router(attendance_router(router_deps))
    add_first_connection_routes(app, engine, router_deps)
    return app
