"""A school's MIS sync page: its runs in plain words, the chart's figures, the changes waiting
for approval, whether a sync runs now, and the issues CSVs."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schoolsync.model.labels import changes_in_words

if TYPE_CHECKING:
    import sqlalchemy as sa

#: How many runs the history table lists, and how many the chart draws.
RUNS_LISTED = 50
RUNS_CHARTED = 60


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    trigger: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    #: "12 added, 3 changed, 1 left"
    changes: str
    issue_count: int
    approved_by: str | None
    message: str | None


@dataclass(frozen=True, slots=True)
class RunPoint:
    """One run on the chart: when it started, how many changes it made and issues it found."""

    started_at: dt.datetime
    changes: int
    issues: int


@dataclass(frozen=True, slots=True)
class PendingHold:
    subject: str
    message: str


@dataclass(frozen=True, slots=True)
class SchoolHistory:
    school_id: int
    name: str
    #: newest first
    runs: list[RunRow]
    #: oldest first
    points: list[RunPoint]
    waiting: list[PendingHold]
    #: a run is in progress, whoever started it
    running: bool


def run_row(row: Any) -> RunRow:
    """A `sync_runs` row as the history table shows it."""
    from schoolsync.store.schools import as_utc

    return RunRow(
        id=row["id"],
        trigger=row["trigger"],
        status=row["status"],
        started_at=as_utc(row["started_at"]) or row["started_at"],
        finished_at=as_utc(row["finished_at"]),
        changes=changes_in_words(row["counts"] or {}),
        issue_count=row["issue_count"],
        approved_by=row["approved_by"],
        message=row["message"],
    )


def school_history(engine: sa.Engine, key: str) -> SchoolHistory:
    """Everything the school's MIS sync page shows, read at one moment."""
    from schoolsync.store import history
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        school = get_school(conn, key)
        return SchoolHistory(
            school.id,
            school.name,
            [run_row(r) for r in history.run_rows(conn, school.id, RUNS_LISTED)],
            [RunPoint(*figures) for figures in history.run_figures(conn, school.id, RUNS_CHARTED)],
            [PendingHold(*pending) for pending in history.pending_messages(conn, school.id)],
            history.running_run(conn, school.id) is not None,
        )


def sync_running(engine: sa.Engine, key: str) -> bool:
    """Whether a sync of the school is in progress, in this process or any other."""
    from schoolsync.store.history import running_run
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        return running_run(conn, get_school(conn, key).id) is not None


def issues_csv(engine: sa.Engine, key: str, run_id: int | None = None) -> str:
    """The issues as the CSV schools download: the school's open issues (not yet resolved,
    whichever run found them), or one run's own. An unknown run raises `NotFound`."""
    from schoolsync.issues_csv import write_issues_csv
    from schoolsync.services.reports import issues

    buffer = io.StringIO()
    write_issues_csv(issues(engine, key, run_id), buffer)
    return buffer.getvalue()
