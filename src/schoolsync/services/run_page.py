"""One run as its page and the API show it: every change by names a person reads, its issues
with how to fix each, and the changes it held with what approving them would remove."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from schoolsync.errors import NotFound
from schoolsync.services.history import RunRow, run_row

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.engine.change_labels import Described
    from schoolsync.model import Issue

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
class RunPage:
    run: RunRow
    changes: list[Described]
    #: how many changes the run made in all (more than `changes` lists when it is long)
    change_count: int
    issues: list[IssueRow]
    held: list[HeldRow]


def run_page(engine: sa.Engine, key: str, run_id: int) -> RunPage:
    """Everything one run did, by names a person reads. An unknown run raises `NotFound`."""
    from schoolsync.engine.change_labels import describe
    from schoolsync.engine.validate import resolution_for
    from schoolsync.store import history
    from schoolsync.store import runs as run_store
    from schoolsync.store.change_log import run_changes
    from schoolsync.store.directory import load_directory
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        school = get_school(conn, key)
        # Checked before the store sees it: an id past a 32-bit integer is no run, not an error.
        row = history.run_row(conn, school.id, run_id) if 0 < run_id < 2**31 else None
        if row is None:
            raise NotFound(f"School {key} has no run {run_id}")
        directory = load_directory(conn, school.id)
        logged = run_changes(conn, school.id, run_id)
        found = run_store.run_issues(conn, school.id, run_id)
        held_rows = history.run_holds(conn, school.id, run_id)
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
    return RunPage(
        run=run_row(row),
        changes=[describe(c, directory) for c in logged[:CHANGES_SHOWN]],
        change_count=len(logged),
        issues=[IssueRow(i, resolution_for(i.message)) for i in found],
        held=held,
    )
