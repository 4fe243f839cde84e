"""The REST API: what the product tells schoolsync and what it asks of it.

    GET  /api/schools                                     schools and their keys
    GET  /api/schools/{key}/runs                          sync history, newest first
    GET  /api/schools/{key}/runs/{run_id}/issues.csv      the issues CSV schools download
    GET  /api/schools/{key}/holds                         changes waiting for approval
    GET  /api/schools/{key}/holds/groups                  the same, one summary per rule
    POST /api/schools/{key}/holds/approve                 {"hold_ids": [3], "rules": [...],
                                                           "approved_by": "..."}: the next
                                                           sync applies them, the rest wait
    PUT  /api/schools/{key}/classes/{mis_id}/dependents   {"count": 12, "label": "tasks"}

Every request needs `Authorization: Bearer <SCHOOLSYNC_API_TOKEN>`. The app is built by
`create_app(engine, api_token)`, never at import time.
"""

from __future__ import annotations

import datetime as dt
import hmac
import io
from collections.abc import Iterator
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from schoolsync.engine.change_labels import describe
from schoolsync.engine.hold_groups import group_holds
from schoolsync.errors import SchoolNotFound
from schoolsync.issues_csv import write_issues_csv
from schoolsync.store import runs as run_store
from schoolsync.store import schools as school_store
from schoolsync.store.directory import load_directory
from schoolsync.store.holds import approve_holds, pending_holds, set_dependents


def _connection(request: Request) -> Iterator[sa.Connection]:
    """One transaction per request, committed when the request succeeds."""
    engine: sa.Engine = request.app.state.engine
    with engine.begin() as conn:
        yield conn


Conn = Annotated[sa.Connection, Depends(_connection)]


class DependentsBody(BaseModel):
    count: int = Field(ge=0, description="How many items hang off the class (0 clears it).")
    label: str = Field(
        default="items", min_length=1, max_length=60, description="What they are, e.g. tasks."
    )


class ApprovalBody(BaseModel):
    hold_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=list, max_length=10_000, description="Holds to approve, by id."
    )
    rules: list[Annotated[str, Field(min_length=1, max_length=30)]] = Field(
        default_factory=list, max_length=20, description="Approve every hold of these rules."
    )
    approved_by: str = Field(min_length=1, max_length=200, description="Who approves.")


def create_app(engine: sa.Engine, api_token: str) -> FastAPI:
    if not api_token:
        raise ValueError("the API needs a token (SCHOOLSYNC_API_TOKEN)")
    app = FastAPI(title="schoolsync", description=__doc__)
    app.state.engine = engine
    expected = f"Bearer {api_token}".encode()

    def authorised(request: Request) -> None:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "a valid API token is needed",
                headers={"WWW-Authenticate": "Bearer"},
            )

    def school_of(conn: sa.Connection, key: str) -> school_store.School:
        try:
            return school_store.get_school(conn, key)
        except SchoolNotFound as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc

    router_deps = [Depends(authorised)]

    @app.get("/api/schools", dependencies=router_deps)
    def schools(conn: Conn) -> list[dict[str, Any]]:
        return [
            {
                "key": s.key,
                "name": s.name,
                "source": s.source_kind,
                "last_full_sync_at": s.last_full_sync_at,
            }
            for s in school_store.list_schools(conn)
        ]

    @app.get("/api/schools/{key}/runs", dependencies=router_deps)
    def runs(key: str, conn: Conn, limit: int = 20) -> list[dict[str, Any]]:
        school = school_of(conn, key)
        return [
            {
                "run_id": r.id,
                "status": r.status,
                "trigger": r.trigger,
                "source": r.source,
                "mode": r.mode,
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "counts": r.counts,
                "held": r.held,
                "issues": r.issue_count,
                "approved_by": r.approved_by,
                "message": r.message,
            }
            for r in run_store.list_runs(conn, school.id, min(max(limit, 1), 200))
        ]

    @app.get("/api/schools/{key}/runs/{run_id}/issues.csv", dependencies=router_deps)
    def issues_csv(key: str, run_id: int, conn: Conn) -> Response:
        school = school_of(conn, key)
        if not run_store.run_exists(conn, school.id, run_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run {run_id} for {key}")
        buffer = io.StringIO()
        write_issues_csv(run_store.run_issues(conn, school.id, run_id), buffer)
        return Response(
            content=buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="issues-{run_id}.csv"'},
        )

    @app.get("/api/schools/{key}/holds", dependencies=router_deps)
    def holds(key: str, conn: Conn) -> list[dict[str, Any]]:
        school = school_of(conn, key)
        directory = load_directory(conn, school.id)
        return [
            {
                "id": h.id,
                "run_id": h.run_id,
                "rule": h.rule,
                "subject": h.subject,
                "message": h.message,
                "losses": h.losses,
                "changes": len(h.changes),
                "items": [describe(c, directory).as_json() for c in h.changes],
                "since": h.created_at,
            }
            for h in pending_holds(conn, school.id)
        ]

    @app.get("/api/schools/{key}/holds/groups", dependencies=router_deps)
    def hold_groups(key: str, conn: Conn) -> list[dict[str, Any]]:
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
    def approve(key: str, body: ApprovalBody, conn: Conn) -> dict[str, Any]:
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
    def dependents(key: str, class_mis_id: str, body: DependentsBody, conn: Conn) -> dict[str, Any]:
        school = school_of(conn, key)
        set_dependents(
            conn, school.id, class_mis_id, body.count, body.label.strip(), dt.datetime.now(dt.UTC)
        )
        return {"class_mis_id": class_mis_id, "count": body.count, "label": body.label}

    return app
