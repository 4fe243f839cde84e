"""Held changes, the dependents that make them costly, and the alerts sent about them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.model.changes import plain_values
from schoolsync.model.holds import Dependents, Hold
from schoolsync.store.tables import class_dependents, classes, holds, notifications

#: A hold a person approved through `holds --approve` or the API, waiting for the next sync.
APPROVED_TO_APPLY = "to_apply"


@dataclass(frozen=True, slots=True)
class StoredHold:
    id: int
    run_id: int
    rule: str
    #: what is held, in words (the `subject` column)
    target: str
    message: str
    losses: list[str]
    changes: list[dict[str, Any]]
    fingerprint: str
    status: str
    created_at: dt.datetime


def record_holds(
    conn: sa.Connection, school_id: int, run_id: int, found: Sequence[Hold], now: dt.datetime
) -> None:
    """A new run re-decides everything: what waits again keeps its number and the date it was
    first held (so a person can approve it by number after a nightly run), what no longer
    waits is closed, and what is new is stored."""
    previous = dict(
        conn.execute(
            sa.select(holds.c.fingerprint, holds.c.id).where(
                holds.c.school_id == school_id, holds.c.status == "pending"
            )
        ).all()
    )
    kept: list[int] = []
    fresh: list[dict[str, Any]] = []
    for hold in found:
        values = {
            "run_id": run_id,
            "rule": hold.rule,
            "subject": hold.target,
            "message": hold.message,
            "losses": list(hold.losses),
            "changes": [_change_json(c) for c in hold.changes],
        }
        hold_id = previous.pop(hold.fingerprint(), None)
        if hold_id is None:
            fresh.append(
                {
                    **values,
                    "school_id": school_id,
                    "fingerprint": hold.fingerprint(),
                    "status": "pending",
                    "created_at": now,
                }
            )
        else:
            kept.append(hold_id)
            conn.execute(sa.update(holds).where(holds.c.id == hold_id).values(**values))
    conn.execute(
        sa.update(holds)
        .where(
            holds.c.school_id == school_id,
            holds.c.status == "pending",
            holds.c.id.not_in(kept),
        )
        .values(status="resolved", closed_at=now, closed_by=None)
    )
    if fresh:
        conn.execute(sa.insert(holds), fresh)


def close_pending(
    conn: sa.Connection, school_id: int, status: str, now: dt.datetime, by: str | None
) -> None:
    conn.execute(
        sa.update(holds)
        .where(holds.c.school_id == school_id, holds.c.status == "pending")
        .values(status=status, closed_at=now, closed_by=by)
    )


def pending_holds(conn: sa.Connection, school_id: int) -> list[StoredHold]:
    result = conn.execute(
        sa.select(holds)
        .where(holds.c.school_id == school_id, holds.c.status == "pending")
        .order_by(holds.c.id)
    ).mappings()
    return [
        StoredHold(
            id=r["id"],
            run_id=r["run_id"],
            rule=r["rule"],
            target=r["subject"],
            message=r["message"],
            losses=r["losses"],
            changes=r["changes"],
            fingerprint=r["fingerprint"],
            status=r["status"],
            created_at=r["created_at"],
        )
        for r in result
    ]


def class_is_known(conn: sa.Connection, school_id: int, class_mis_id: str) -> bool:
    """Whether the school has (or had) a class with this MIS id."""
    found = conn.execute(
        sa.select(classes.c.id)
        .where(classes.c.school_id == school_id, classes.c.mis_id == class_mis_id)
        .limit(1)
    ).first()
    return found is not None


def set_dependents(
    conn: sa.Connection,
    school_id: int,
    class_mis_id: str,
    count: int,
    label: str,
    now: dt.datetime,
) -> None:
    conn.execute(
        sa.delete(class_dependents).where(
            class_dependents.c.school_id == school_id,
            class_dependents.c.class_mis_id == class_mis_id,
        )
    )
    if count > 0:
        conn.execute(
            sa.insert(class_dependents).values(
                school_id=school_id,
                class_mis_id=class_mis_id,
                count=count,
                label=label,
                updated_at=now,
            )
        )


def load_dependents(conn: sa.Connection, school_id: int) -> Mapping[int, Dependents]:
    """Dependents by stored class id (the product names classes by MIS id)."""
    rows = conn.execute(
        sa.select(classes.c.id, class_dependents.c.count, class_dependents.c.label)
        .join(
            class_dependents,
            sa.and_(
                class_dependents.c.school_id == classes.c.school_id,
                class_dependents.c.class_mis_id == classes.c.mis_id,
            ),
        )
        .where(classes.c.school_id == school_id)
    )
    return {class_id: Dependents(count, label) for class_id, count, label in rows}


def alert_sent_since(
    conn: sa.Connection, school_id: int, fingerprint: str, since: dt.datetime
) -> bool:
    return (
        conn.execute(
            sa.select(notifications.c.id)
            .where(
                notifications.c.school_id == school_id,
                notifications.c.fingerprint == fingerprint,
                notifications.c.sent_at >= since,
            )
            .limit(1)
        ).first()
        is not None
    )


def record_alert(
    conn: sa.Connection,
    school_id: int,
    run_id: int | None,
    kind: str,
    fingerprint: str,
    recipients: Sequence[str],
    subject: str,
    now: dt.datetime,
) -> None:
    conn.execute(
        sa.insert(notifications).values(
            school_id=school_id,
            run_id=run_id,
            kind=kind,
            fingerprint=fingerprint,
            recipients=", ".join(recipients),
            subject=subject,
            sent_at=now,
        )
    )


def _change_json(change: Any) -> dict[str, Any]:
    def plain(values: Mapping[str, Any]) -> dict[str, Any]:
        return {
            k: v.isoformat() if isinstance(v, dt.date) else v
            for k, v in values.items()
            if not k.startswith("_")
        }

    return {
        "entity": change.entity,
        "kind": change.kind,
        "key": change.key,
        "name": change.name,
        "record_id": change.record_id,
        "before": plain(plain_values(change.before)),
        "after": plain(plain_values(change.after)),
    }


# --- approving some holds, applied by the next sync ----------------------------------------


def approve_holds(
    conn: sa.Connection, school_id: int, hold_ids: Sequence[int], by: str, now: dt.datetime
) -> None:
    """Mark waiting holds approved; the next sync applies them if they are still the same."""
    conn.execute(
        sa.update(holds)
        .where(
            holds.c.school_id == school_id,
            holds.c.status == "pending",
            holds.c.id.in_(list(hold_ids)),
        )
        .values(status=APPROVED_TO_APPLY, closed_at=now, closed_by=by)
    )


def approvals_waiting(conn: sa.Connection, school_id: int) -> dict[str, str]:
    """Approved holds not yet applied: fingerprint -> who approved."""
    rows = conn.execute(
        sa.select(holds.c.fingerprint, holds.c.closed_by).where(
            holds.c.school_id == school_id, holds.c.status == APPROVED_TO_APPLY
        )
    )
    return {fingerprint: by or "unknown" for fingerprint, by in rows}


def settle_approvals(
    conn: sa.Connection, school_id: int, applied: Collection[str], now: dt.datetime
) -> None:
    """After a run: approvals it applied are done; the others no longer match what the MIS
    holds now (it changed, or was corrected), so they lapse and any new hold asks again."""
    for fingerprints, status in ((applied, "approved"), (None, "lapsed")):
        query = sa.update(holds).where(
            holds.c.school_id == school_id, holds.c.status == APPROVED_TO_APPLY
        )
        if fingerprints is not None:
            query = query.where(holds.c.fingerprint.in_(list(fingerprints)))
        conn.execute(query.values(status=status, closed_at=now))
