"""Reading back what one run changed (the `changes` table that apply writes)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from schoolsync.store.tables import changes, sync_runs


def run_changes(conn: sa.Connection, school_id: int, run_id: int) -> list[dict[str, Any]]:
    """The run's logged changes in the plain shape `change_labels.describe` reads."""
    rows = conn.execute(
        sa.select(changes)
        .where(changes.c.school_id == school_id, changes.c.run_id == run_id)
        .order_by(changes.c.id)
    ).mappings()
    return [
        {
            "entity": row["entity"],
            "kind": row["kind"],
            "key": row["source_id"],
            "name": "",
            "record_id": row["record_id"],
            "before": row["before"] or {},
            "after": row["after"] or {},
        }
        for row in rows
    ]


def run_summary(conn: sa.Connection, school_id: int, run_id: int) -> dict[str, Any] | None:
    """The run's trigger, mode, status and counts; None when the school has no such run."""
    row = (
        conn.execute(
            sa.select(
                sync_runs.c.id,
                sync_runs.c.trigger,
                sync_runs.c.mode,
                sync_runs.c.status,
                sync_runs.c.counts,
            ).where(sync_runs.c.school_id == school_id, sync_runs.c.id == run_id)
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None
