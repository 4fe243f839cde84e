"""The school's open issues in the store: opened, found again and resolved by runs, and kept
once resolved (with the run that resolved them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from schoolsync.model import Issue
from schoolsync.model.labels import entity_of_label
from schoolsync.model.open_issues import Reconciled
from schoolsync.store.tables import open_issues

_FIELDS = ("entity_type", "entity_name", "source_id", "mis_id", "message", "severity")


def open_issue_rows(conn: sa.Connection, school_id: int) -> list[tuple[int, Issue]]:
    """The school's open issues with their ids, oldest first: what a run reconciles against."""
    return _open_rows(conn, school_id)


def save_reconciled(
    conn: sa.Connection, school_id: int, run_id: int, change: Reconciled, now: dt.datetime
) -> tuple[Issue, ...]:
    """Write what a run opened, found again and resolved; returns the issues still open."""
    if change.opened:
        conn.execute(
            sa.insert(open_issues),
            [
                {
                    **_values(issue),
                    "school_id": school_id,
                    "opened_run_id": run_id,
                    "last_run_id": run_id,
                    "opened_at": now,
                }
                for issue in change.opened
            ],
        )
    if change.found_again:
        # One statement for all of them: a school can have a thousand pupils without an email.
        conn.execute(
            sa.update(open_issues)
            .where(open_issues.c.id == sa.bindparam("issue_id"))
            .values(
                last_run_id=run_id,
                entity_name=sa.bindparam("name"),
                severity=sa.bindparam("level"),
            ),
            [
                {"issue_id": issue_id, "name": issue.entity_name, "level": issue.severity}
                for issue_id, issue in change.found_again
            ],
        )
    if change.resolved:
        conn.execute(
            sa.update(open_issues)
            .where(open_issues.c.id.in_(change.resolved))
            .values(resolved_run_id=run_id, resolved_at=now)
        )
    return tuple(issue for _id, issue in _open_rows(conn, school_id))


def open_issue_list(conn: sa.Connection, school_id: int) -> list[Issue]:
    return [issue for _id, issue in _open_rows(conn, school_id)]


def _open_rows(conn: sa.Connection, school_id: int) -> list[tuple[int, Issue]]:
    result = conn.execute(
        sa.select(open_issues)
        .where(open_issues.c.school_id == school_id, open_issues.c.resolved_run_id.is_(None))
        .order_by(open_issues.c.id)
    ).mappings()
    return [(row["id"], _issue(row)) for row in result]


def _issue(row: Any) -> Issue:
    # The store keeps the kind in the words of the issues CSV.
    values = {name: row[name] for name in _FIELDS if name != "entity_type"}
    return Issue(entity=entity_of_label(row["entity_type"]), **values)


def _values(issue: Issue) -> dict[str, str]:
    return {name: getattr(issue, name) for name in _FIELDS}
