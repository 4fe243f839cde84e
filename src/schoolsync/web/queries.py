"""Everything the web pages read from or do to the store, behind small functions, so that the
pages know nothing of tables (and these can move behind a service layer as they are)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.engine.change_labels import Described, describe
from schoolsync.engine.validate import resolution_for
from schoolsync.errors import SchoolNotFound
from schoolsync.issues_csv import write_issues_csv
from schoolsync.model import Issue
from schoolsync.model.fleet import HEALTH
from schoolsync.school_settings import SchoolSettings
from schoolsync.store import runs as run_store
from schoolsync.store import schools as school_store
from schoolsync.store.change_log import run_changes
from schoolsync.store.directory import load_directory
from schoolsync.store.fleet import health_condition
from schoolsync.store.open_issues import open_issue_list
from schoolsync.store.schools import as_utc
from schoolsync.store.tables import holds, schools, sync_runs
from schoolsync.web.chart import RunPoint

PAGE_SIZE = 50
FILTERS = ("success", "issues_exist", "needs_approval", "failed", "paused", "never")


@dataclass(frozen=True, slots=True)
class SchoolRow:
    id: int
    key: str
    name: str
    urn: str | None
    status: str | None
    last_sync: dt.datetime | None
    open_issues: int
    needs_approval: bool


@dataclass(frozen=True, slots=True)
class SchoolPage:
    rows: list[SchoolRow]
    #: the (name, id) to continue after, when there is a next page
    next_after: tuple[str, int] | None


#: change kinds in the words of the history table, in the order they are listed
KIND_WORDS = {
    "create": "added", "add": "added", "update": "changed", "restore": "came back",
    "leave": "left", "delete": "removed", "remove": "removed",
}  # fmt: skip


def changes_in_words(counts: dict[str, dict[str, int]]) -> str:
    """ "12 added, 3 changed, 1 left": a run's counts as the history table says them."""
    totals: dict[str, int] = {}
    for kinds in counts.values():
        for kind, number in kinds.items():
            word = KIND_WORDS.get(kind, "changed")
            totals[word] = totals.get(word, 0) + number
    order = ("added", "changed", "came back", "left", "removed")
    ordered = sorted(totals.items(), key=lambda item: order.index(item[0]))
    return ", ".join(f"{n} {word}" for word, n in ordered if n) or "No changes"


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    trigger: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    changes: str
    issue_count: int
    approved_by: str | None
    message: str | None


@dataclass(frozen=True, slots=True)
class PendingHold:
    subject: str
    message: str


def _latest_run_column(column: sa.Column[Any]) -> sa.ScalarSelect[Any]:
    """The latest run's value of `column` for the school of the outer query (the index on
    sync_runs.school_id keeps this one index probe per school shown)."""
    return (
        sa.select(column)
        .where(sync_runs.c.school_id == schools.c.id)
        .order_by(sync_runs.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def school_overview(
    conn: sa.Connection,
    *,
    search: str = "",
    status: str = "",
    after: tuple[str, int] | None = None,
    page_size: int = PAGE_SIZE,
    health: str = "",
    now: dt.datetime | None = None,
) -> SchoolPage:
    """One page of schools ordered by name, continuing after `after` (keyset pagination: as
    fast on the last page of 20,000 schools as on the first); `health` keeps the schools in
    one state of fleet health at `now`."""
    latest_status = _latest_run_column(sync_runs.c.status)
    query = sa.select(schools.c.id, schools.c.key, schools.c.name, schools.c.urn)
    if search.strip():
        term = search.strip().lower()
        query = query.where(
            sa.or_(sa.func.lower(schools.c.name).contains(term, autoescape=True),
                   schools.c.urn == search.strip())
        )  # fmt: skip
    if status == "never":
        query = query.where(latest_status.is_(None))
    elif status in FILTERS:
        query = query.where(latest_status == status)
    if health in HEALTH:
        query = query.where(health_condition(health, now or dt.datetime.now(dt.UTC)))
    if after is not None:
        query = query.where(sa.tuple_(schools.c.name, schools.c.id) > sa.tuple_(*after))
    found = conn.execute(query.order_by(schools.c.name, schools.c.id).limit(page_size + 1)).all()
    more = len(found) > page_size
    found = found[:page_size]
    ids = [r.id for r in found]
    latest = _latest_runs(conn, ids)
    waiting = set(
        conn.execute(
            sa.select(holds.c.school_id)
            .where(holds.c.school_id.in_(ids), holds.c.status == "pending")
            .distinct()
        ).scalars()
    )
    rows = [
        SchoolRow(
            id=r.id,
            key=r.key,
            name=r.name,
            urn=r.urn,
            status=latest[r.id]["status"] if r.id in latest else None,
            last_sync=as_utc(latest[r.id]["finished_at"]) if r.id in latest else None,
            open_issues=latest[r.id]["issue_count"] if r.id in latest else 0,
            needs_approval=r.id in waiting,
        )
        for r in found
    ]
    next_after = (found[-1].name, found[-1].id) if more and found else None
    return SchoolPage(rows, next_after)


def _latest_runs(conn: sa.Connection, school_ids: list[int]) -> dict[int, Any]:
    if not school_ids:
        return {}
    newest = (
        sa.select(sa.func.max(sync_runs.c.id))
        .where(sync_runs.c.school_id.in_(school_ids))
        .group_by(sync_runs.c.school_id)
    )
    rows = conn.execute(sa.select(sync_runs).where(sync_runs.c.id.in_(newest))).mappings()
    return {r["school_id"]: r for r in rows}


def school_settings(conn: sa.Connection, key: str) -> SchoolSettings:
    return school_store.get_school(conn, key).settings


def save_school_settings(conn: sa.Connection, school_id: int, settings: SchoolSettings) -> None:
    school_store.update_settings(conn, school_id, settings)


def school_id_and_name(conn: sa.Connection, key: str) -> tuple[int, str]:
    row = conn.execute(sa.select(schools.c.id, schools.c.name).where(schools.c.key == key)).first()
    if row is None:
        raise SchoolNotFound(key)
    return row.id, row.name


def run_history(conn: sa.Connection, school_id: int, limit: int = 50) -> list[RunRow]:
    rows = conn.execute(
        sa.select(sync_runs)
        .where(sync_runs.c.school_id == school_id)
        .order_by(sync_runs.c.id.desc())
        .limit(limit)
    ).mappings()
    return [_run_row(r) for r in rows]


def _run_row(r: Any) -> RunRow:
    return RunRow(
        id=r["id"],
        trigger=r["trigger"],
        status=r["status"],
        started_at=as_utc(r["started_at"]) or r["started_at"],
        finished_at=as_utc(r["finished_at"]),
        changes=changes_in_words(r["counts"] or {}),
        issue_count=r["issue_count"],
        approved_by=r["approved_by"],
        message=r["message"],
    )


def run_points(conn: sa.Connection, school_id: int, limit: int = 60) -> list[RunPoint]:
    """Changes and issues of the school's last `limit` finished runs, oldest first."""
    rows = conn.execute(
        sa.select(sync_runs.c.started_at, sync_runs.c.counts, sync_runs.c.issue_count)
        .where(sync_runs.c.school_id == school_id, sync_runs.c.status != "running")
        .order_by(sync_runs.c.id.desc())
        .limit(limit)
    ).all()
    return [
        RunPoint(
            as_utc(r.started_at) or r.started_at,
            sum(n for kinds in (r.counts or {}).values() for n in kinds.values()),
            r.issue_count,
        )
        for r in reversed(rows)
    ]


def pending_approvals(conn: sa.Connection, school_id: int) -> list[PendingHold]:
    rows = conn.execute(
        sa.select(holds.c.subject, holds.c.message)
        .where(holds.c.school_id == school_id, holds.c.status == "pending")
        .order_by(holds.c.id)
    )
    return [PendingHold(r.subject, r.message) for r in rows]


def run_issues_csv(conn: sa.Connection, school_id: int, run_id: int | None) -> str | None:
    """The run's issues as the CSV schools download, or None when the school has no such run.
    `run_id` None: the school's open issues (not yet resolved, whichever run found them)."""
    if run_id is None:
        found = open_issue_list(conn, school_id)
    elif run_store.run_exists(conn, school_id, run_id):
        found = run_store.run_issues(conn, school_id, run_id)
    else:
        return None
    buffer = io.StringIO()
    write_issues_csv(found, buffer)
    return buffer.getvalue()


def running_run(conn: sa.Connection, school_id: int) -> int | None:
    """The id of the school's run in progress, whoever started it."""
    return conn.execute(
        sa.select(sync_runs.c.id)
        .where(sync_runs.c.school_id == school_id, sync_runs.c.status == "running")
        .order_by(sync_runs.c.id.desc())
        .limit(1)
    ).scalar()


# --- one run in detail ---------------------------------------------------------------------

#: How many changes the run page lists (a start-of-year run can make tens of thousands).
CHANGES_SHOWN = 500
#: A held change's status in words
HOLD_STATES = {
    "pending": "Waiting for approval",
    "to_apply": "Approved: the next sync makes it",
    "approved": "Approved and made",
    "resolved": "No longer needed: the MIS was corrected",
    "lapsed": "Approval lapsed: the MIS changed since",
    "rejected": "Rejected",
}


@dataclass(frozen=True, slots=True)
class IssueRow:
    issue: Issue
    resolution: str


@dataclass(frozen=True, slots=True)
class HeldRow:
    id: int
    message: str
    state: str
    pending: bool
    #: what approving would remove ("12 tasks"), as the safeguard counted it
    losses: list[str]
    changes: list[Described]
    closed_by: str | None


@dataclass(frozen=True, slots=True)
class RunDetail:
    run: RunRow
    changes: list[Described]
    #: how many changes the run made in all (more than `changes` lists when it is long)
    change_count: int
    issues: list[IssueRow]
    held: list[HeldRow]


def run_detail(conn: sa.Connection, school_id: int, run_id: int) -> RunDetail | None:
    """Everything one run did, by names a person reads; None when the school has no such run."""
    row = (
        conn.execute(
            sa.select(sync_runs).where(sync_runs.c.school_id == school_id, sync_runs.c.id == run_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    directory = load_directory(conn, school_id)
    logged = run_changes(conn, school_id, run_id)
    found = run_store.run_issues(conn, school_id, run_id)
    held_rows = conn.execute(
        sa.select(holds).where(holds.c.school_id == school_id, holds.c.run_id == run_id)
        .order_by(holds.c.id)
    ).mappings()  # fmt: skip
    held = [
        HeldRow(
            id=h["id"],
            message=h["message"],
            state=HOLD_STATES.get(h["status"], h["status"]),
            pending=h["status"] == "pending",
            losses=list(h["losses"] or []),
            changes=[describe(c, directory) for c in h["changes"] or []],
            closed_by=h["closed_by"],
        )
        for h in held_rows
    ]
    return RunDetail(
        run=_run_row(row),
        changes=[describe(c, directory) for c in logged[:CHANGES_SHOWN]],
        change_count=len(logged),
        issues=[IssueRow(i, resolution_for(i.message)) for i in found],
        held=held,
    )
