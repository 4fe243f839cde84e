"""The REST API: what the product tells schoolsync and what it asks of it.

    GET  /api/schools                                     schools and their keys
    GET  /api/schools/{key}/runs                          sync history, newest first
    GET  /api/schools/{key}/runs/{run_id}/issues.csv      the issues CSV schools download
    GET  /api/schools/{key}/holds                         changes waiting for approval
    PUT  /api/schools/{key}/classes/{mis_id}/dependents   {"count": 12, "label": "tasks"}

Every request needs `Authorization: Bearer <token>`: a user's own API token (made on the web
app's "API tokens" page), or `SCHOOLSYNC_API_TOKEN`, a bootstrap token with a vendor admin's
rights. A school admin's token sees their own school only: any other school answers 404. The
app is built by `create_app(engine, api_token)`, never at import time.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from schoolsync.accounts import User
from schoolsync.errors import SchoolNotFound
from schoolsync.issues_csv import write_issues_csv
from schoolsync.store import runs as run_store
from schoolsync.store import schools as school_store
from schoolsync.store.holds import pending_holds, set_dependents
from schoolsync.web.auth import api_user


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
        return [
            {
                "id": h.id,
                "run_id": h.run_id,
                "rule": h.rule,
                "message": h.message,
                "losses": h.losses,
                "changes": len(h.changes),
                "since": h.created_at,
            }
            for h in pending_holds(conn, school.id)
        ]

    @app.put("/api/schools/{key}/classes/{class_mis_id}/dependents", dependencies=router_deps)
    def dependents(key: str, class_mis_id: str, body: DependentsBody, conn: Conn) -> dict[str, Any]:
        school = school_of(conn, key)
        set_dependents(
            conn, school.id, class_mis_id, body.count, body.label.strip(), dt.datetime.now(dt.UTC)
        )
        return {"class_mis_id": class_mis_id, "count": body.count, "label": body.label}

    return app
