"""Sync history: one row per run, with its counts and the issues it found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.model import Issue
from schoolsync.model.labels import entity_of_label
from schoolsync.store.tables import issues, sync_runs


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    trigger: str
    source: str
    mode: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    counts: dict[str, dict[str, int]]
    issue_count: int
    message: str | None
    held: dict[str, dict[str, int]] | None = None
    approved_by: str | None = None
    plan_hash: str | None = None
    #: the school's open issues when the run ended (None: the run applied nothing)
    open_issues: int | None = None


def start_run(
    conn: sa.Connection,
    school_id: int,
    *,
    trigger: str,
    source: str,
    mode: str,
    now: dt.datetime,
) -> int:
    result = conn.execute(
        sa.insert(sync_runs)
        .values(
            school_id=school_id,
            trigger=trigger,
            source=source,
            mode=mode,
            status="running",
            started_at=now,
            counts={},
        )
        .returning(sync_runs.c.id)
    )
    return int(result.scalar_one())


def finish_run(
    conn: sa.Connection,
    run_id: int,
    *,
    status: str,
    now: dt.datetime,
    counts: dict[str, dict[str, int]] | None = None,
    issue_count: int = 0,
    message: str | None = None,
    plan_hash: str | None = None,
    mode: str | None = None,
    held: dict[str, dict[str, int]] | None = None,
    approved_by: str | None = None,
    open_issues: int | None = None,
) -> None:
    values: dict[str, Any] = {
        "open_issues": open_issues,
        "status": status,
        "finished_at": now,
        "issue_count": issue_count,
        "message": message,
        "plan_hash": plan_hash,
        "held": held,
        "approved_by": approved_by,
    }
    if counts is not None:
        values["counts"] = counts
    if mode is not None:
        values["mode"] = mode
    conn.execute(sa.update(sync_runs).where(sync_runs.c.id == run_id).values(values))


def record_issues(conn: sa.Connection, school_id: int, run_id: int, found: Sequence[Issue]) -> None:
    if not found:
        return
    conn.execute(
        sa.insert(issues),
        [
            {
                "run_id": run_id,
                "school_id": school_id,
                "source_id": i.source_id,
                "entity_type": i.entity_type,
                "entity_name": i.entity_name,
                "mis_id": i.mis_id,
                "message": i.message,
                "severity": i.severity,
            }
            for i in found
        ],
    )


def list_runs(conn: sa.Connection, school_id: int, limit: int = 50) -> list[RunRecord]:
    result = conn.execute(
        sa.select(sync_runs)
        .where(sync_runs.c.school_id == school_id)
        .order_by(sync_runs.c.id.desc())
        .limit(limit)
    ).mappings()
    return [
        RunRecord(
            id=row["id"],
            trigger=row["trigger"],
            source=row["source"],
            mode=row["mode"],
            status=row["status"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            counts=row["counts"] or {},
            issue_count=row["issue_count"],
            message=row["message"],
            held=row["held"] or None,
            approved_by=row["approved_by"],
            plan_hash=row["plan_hash"],
            open_issues=row["open_issues"],
        )
        for row in result
    ]


def run_issues(conn: sa.Connection, school_id: int, run_id: int | None) -> list[Issue]:
    """The issues of one run (the latest run when `run_id` is None)."""
    if run_id is None:
        run_id = conn.execute(
            sa.select(sa.func.max(sync_runs.c.id)).where(sync_runs.c.school_id == school_id)
        ).scalar()
        if run_id is None:
            return []
    result = conn.execute(
        sa.select(issues)
        .where(issues.c.run_id == run_id)
        .where(issues.c.school_id == school_id)
        .order_by(issues.c.id)
    ).mappings()
    return [
        Issue(
            # The store keeps the kind in the words of the issues CSV.
            entity=entity_of_label(r["entity_type"]),
            entity_name=r["entity_name"],
            message=r["message"],
            source_id=r["source_id"],
            mis_id=r["mis_id"],
            severity=r["severity"],
        )
        for r in result
    ]


def run_exists(conn: sa.Connection, school_id: int, run_id: int) -> bool:
    return (
        conn.execute(
            sa.select(sync_runs.c.id)
            .where(sync_runs.c.id == run_id)
            .where(sync_runs.c.school_id == school_id)
        ).first()
        is not None
    )


def run_trigger(conn: sa.Connection, run_id: int) -> str:
    """What started a run: "scheduled", "manual", "file", ..."""
    found = conn.execute(sa.select(sync_runs.c.trigger).where(sync_runs.c.id == run_id))
    return str(found.scalar_one())
