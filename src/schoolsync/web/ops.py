"""What a load balancer and Prometheus ask of the web app: `/healthz` (the process answers),
`/readyz` (the database answers, at the newest schema) and `/metrics`. No login: they say
nothing of any school or person, only whether the service works and how many runs and schools
are in each state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from schoolsync.services import health, metrics

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive (it asks nothing of the database)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready, and why"}})
def readyz(request: Request) -> Any:
    """Ready to serve: the database answers and is at the schema this code expects."""
    problems = health.readiness_problems(request.app.state.engine)
    if problems:
        return JSONResponse({"status": "not ready", "problems": problems}, status_code=503)
    return {"status": "ready"}


@router.get("/metrics", response_class=Response)
def prometheus_metrics(request: Request) -> Response:
    """Prometheus metrics, read from the database now (right across every process)."""
    clock = getattr(request.app.state, "clock", None)
    now = clock() if clock is not None else dt.datetime.now(dt.UTC)
    body, content_type = metrics.exposition(request.app.state.engine, now)
    return Response(body, media_type=content_type)
