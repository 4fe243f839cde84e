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
from collections.abc import Iterator
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from schoolsync.accounts import User
from schoolsync.engine.change_labels import describe
from schoolsync.engine.hold_groups import group_holds
from schoolsync.errors import SchoolNotFound
from schoolsync.issues_csv import write_issues_csv
from schoolsync.model import Issue, run_status
from schoolsync.store import runs as run_store
from schoolsync.store import schools as school_store
from schoolsync.store.directory import load_directory
from schoolsync.store.holds import (
    approve_holds,
    class_is_known,
    pending_holds,
    set_dependents,
)
from schoolsync.store.open_issues import open_issue_list
from schoolsync.web.auth import api_user
from schoolsync.web.queries import run_detail

#: The largest value an INTEGER column holds on PostgreSQL (run ids, dependents' counts).
MAX_INTEGER = 2**31 - 1

SchoolKey = Annotated[
    str, Path(min_length=1, max_length=40, description="The school's key, e.g. sch_...")
]
RunId = Annotated[int, Path(ge=1, le=MAX_INTEGER, description="A run id from .../runs")]
ClassMisId = Annotated[
    str, Path(min_length=1, max_length=64, description="The class's MIS id, as stored")
]


def _connection(request: Request) -> Iterator[sa.Connection]:
    """One transaction per request, committed when the request succeeds."""
    engine: sa.Engine = request.app.state.engine
    with engine.begin() as conn:
        yield conn


Conn = Annotated[sa.Connection, Depends(_connection)]


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


def create_app(engine: sa.Engine, api_token: str | None) -> FastAPI:
    """`api_token` None: only users' own tokens are accepted."""
    app = FastAPI(title="schoolsync", description=__doc__)
    app.state.engine = engine

    def authorised(request: Request) -> None:
        api_user(request, api_token)

    def school_of(conn: sa.Connection, key: str) -> school_store.School:
        try:
            return school_store.get_school(conn, key)
        except SchoolNotFound as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc

    router_deps = [Depends(authorised)]

    @app.get("/api/schools", dependencies=router_deps)
    def schools(conn: Conn, request: Request) -> list[dict[str, Any]]:
        user: User = request.state.user
        return [
            {
                "key": s.key,
                "name": s.name,
                "source": s.source_kind,
                "last_full_sync_at": s.last_full_sync_at,
            }
            for s in school_store.list_schools(conn)
            if user.sees(s.id)
        ]

    @app.get("/api/schools/{key}/runs", dependencies=router_deps)
    def runs(
        key: SchoolKey, conn: Conn, limit: Annotated[int, Query(ge=1, le=MAX_INTEGER)] = 20
    ) -> list[dict[str, Any]]:
        school = school_of(conn, key)
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
            for r in run_store.list_runs(conn, school.id, min(max(limit, 1), 200))
        ]

    @app.get("/api/schools/{key}/runs/{run_id}", dependencies=router_deps)
    def run(key: SchoolKey, run_id: RunId, conn: Conn) -> dict[str, Any]:
        """What the run's page shows: every change by name (the first 500), its issues with
        how to fix each, and the changes it held with what approving would remove."""
        school = school_of(conn, key)
        detail = run_detail(conn, school.id, run_id)
        if detail is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run {run_id} for {key}")
        return {
            "run_id": detail.run.id,
            "status": detail.run.status,
            "status_label": run_status.label(detail.run.status),
            "change_count": detail.change_count,
            "changes": [c.as_json() for c in detail.changes],
            "issues": [
                {"entity_type": i.issue.entity_type, "entity_name": i.issue.entity_name,
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
    def open_issues_csv(key: SchoolKey, conn: Conn) -> Response:
        school = school_of(conn, key)
        return _csv(open_issue_list(conn, school.id), f"issues-{key}-open.csv")

    @app.get("/api/schools/{key}/runs/{run_id}/issues.csv", dependencies=router_deps)
    def issues_csv(key: SchoolKey, run_id: RunId, conn: Conn) -> Response:
        school = school_of(conn, key)
        if not run_store.run_exists(conn, school.id, run_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run {run_id} for {key}")
        return _csv(run_store.run_issues(conn, school.id, run_id), f"issues-{run_id}.csv")

    @app.get("/api/schools/{key}/holds", dependencies=router_deps)
    def holds(key: SchoolKey, conn: Conn) -> list[dict[str, Any]]:
        school = school_of(conn, key)
        directory = load_directory(conn, school.id)
        return [
            {
                "id": h.id,
                "run_id": h.run_id,
                "rule": h.rule,
                "subject": h.target,
                "message": h.message,
                "losses": h.losses,
                "changes": len(h.changes),
                "items": [describe(c, directory).as_json() for c in h.changes],
                "since": h.created_at,
            }
            for h in pending_holds(conn, school.id)
        ]

    @app.get("/api/schools/{key}/holds/groups", dependencies=router_deps)
    def hold_groups(key: SchoolKey, conn: Conn) -> list[dict[str, Any]]:
        school = school_of(conn, key)
        return [
            {
                "rule": group.rule,
                "count": len(group.holds),
                "summary": group.summary,
                "hold_ids": [h.id for h in group.holds],
            }
            for group in group_holds(pending_holds(conn, school.id))
        ]

    @app.post("/api/schools/{key}/holds/approve", dependencies=router_deps)
    def approve(key: SchoolKey, body: ApprovalBody, conn: Conn, request: Request) -> dict[str, Any]:
        user: User = request.state.user
        if not user.can_approve:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "vendor support cannot approve changes")
        school = school_of(conn, key)
        waiting = pending_holds(conn, school.id)
        known, rules = {h.id for h in waiting}, {h.rule for h in waiting}
        problems = [f"no hold {n} is waiting" for n in body.hold_ids if n not in known]
        problems += [f"nothing is held by rule {r!r}" for r in body.rules if r not in rules]
        if problems or not (body.hold_ids or body.rules):
            detail = "; ".join(problems) or "name hold_ids or rules to approve"
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)
        chosen = [h.id for h in waiting if h.id in body.hold_ids or h.rule in body.rules]
        approve_holds(conn, school.id, chosen, body.approved_by.strip(), dt.datetime.now(dt.UTC))
        return {"approved": chosen, "applied": "by the next sync"}

    @app.put("/api/schools/{key}/classes/{class_mis_id}/dependents", dependencies=router_deps)
    def dependents(
        key: SchoolKey, class_mis_id: ClassMisId, body: DependentsBody, conn: Conn
    ) -> dict[str, Any]:
        school = school_of(conn, key)
        if not class_is_known(conn, school.id, class_mis_id):
            # Dependents of a class the school never had would warn about nothing, forever.
            raise HTTPException(
                status.HTTP_404_NOT_FOUND,
                f"{key} has no class with MIS id {class_mis_id!r}",
            )
        set_dependents(
            conn, school.id, class_mis_id, body.count, body.label, dt.datetime.now(dt.UTC)
        )
        return {"class_mis_id": class_mis_id, "count": body.count, "label": body.label}

    return app
