"""What a school's history says: its runs, its open issues, one run's issues, the export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schoolsync.errors import NotFound

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.engine.change_labels import Described
    from schoolsync.model import Issue
    from schoolsync.store.runs import RunRecord
    from schoolsync.store.schools import School


@dataclass(frozen=True, slots=True)
class History:
    school: School
    #: newest first
    runs: list[RunRecord]


def list_runs(engine: sa.Engine, key: str, limit: int = 20) -> History:
    """The school's last `limit` runs, newest first."""
    from schoolsync.store import runs as run_store
    from schoolsync.store import schools as school_store

    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        return History(school, run_store.list_runs(conn, school.id, limit))


def issues(engine: sa.Engine, key: str, run_id: int | None = None) -> list[Issue]:
    """The school's open issues (what it still has to fix, whichever run found them), or one
    run's own issues. An unknown run raises `NotFound`."""
    from schoolsync.store import runs as run_store
    from schoolsync.store import schools as school_store
    from schoolsync.store.open_issues import open_issue_list

    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        if run_id is None:
            return open_issue_list(conn, school.id)
        if not run_store.run_exists(conn, school.id, run_id):
            raise NotFound(f"School {key} has no run {run_id}; `schoolsync history` lists them")
        return run_store.run_issues(conn, school.id, run_id)


def export_oneroster(engine: sa.Engine, key: str, output: Path, now: dt.datetime) -> dict[str, int]:
    """What is synced now, as OneRoster 1.2 bulk CSV files in `output`: rows per file."""
    from schoolsync.exports.oneroster import export_oneroster as export
    from schoolsync.store import schools as school_store

    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        return export(conn, school.id, output, now=now)


@dataclass(frozen=True, slots=True)
class RunDetail:
    """One run's summary and every change it made, each named."""

    school: School
    run: dict[str, Any]
    changes: list[Described]


def run_detail(engine: sa.Engine, key: str, run_id: int) -> RunDetail:
    """What one run changed, record by record. An unknown run raises `NotFound`."""
    from schoolsync.engine.change_labels import describe
    from schoolsync.store import schools as school_store
    from schoolsync.store.change_log import run_changes, run_summary
    from schoolsync.store.directory import load_directory

    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        # Checked before the store sees it: an id past a 32-bit integer is no run, not an error.
        run = run_summary(conn, school.id, run_id) if 0 < run_id < 2**31 else None
        if run is None:
            raise NotFound(
                f"School {key} has no run {run_id}; `schoolsync history {key}` lists them"
            )
        directory = load_directory(conn, school.id)
        changes = [describe(c, directory) for c in run_changes(conn, school.id, run_id)]
    return RunDetail(school, run, changes)
