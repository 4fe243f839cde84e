"""The outbox of attendance marks (table `attendance_marks`): store, claim, record outcomes.

A mark's states: `queued` (stored; sent when due), `sent` (the MIS gave a write-back id; asked
about when due), `confirmed`, `failed`. While a sender works on queued marks it *claims* them:
`claimed_by` names it (host:pid) and `next_attempt_at` is pushed a lease ahead, so another
sender (the embedded runner, a worker) leaves them alone; if the sender dies they are due again
when the lease runs out, or at once on the same machine once its pid is gone.

Marks travel in write-backs of up to `batch_size` marks; the write-back's idempotency key is
stored on its marks (`batch_key`) *before* the POST, and kept until the MIS answers, so a mark
is resent only in the very same write-back with the very same key. Functions here never commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.model.attendance import MarkDraft
from schoolsync.store.attendance_tables import attendance_marks
from schoolsync.store.lock import pid_alive

marks = attendance_marks


@dataclass(frozen=True, slots=True)
class Claimed:
    """One write-back to send: the school's marks under one idempotency key."""

    school_id: int
    batch_key: str
    ids: tuple[int, ...]
    records: tuple[dict[str, Any], ...]
    created_at: dt.datetime  # the oldest mark's
    #: how many times this write-back has been tried, this time included
    attempts: int


@dataclass(frozen=True, slots=True)
class SentWriteback:
    school_id: int
    writeback_id: str
    ids: tuple[int, ...]
    created_at: dt.datetime


def new_key() -> str:
    return secrets.token_hex(16)


def add_mark(
    conn: sa.Connection,
    *,
    school_id: int,
    person_id: int,
    student_id: str,
    draft: MarkDraft,
    created_by: str,
    now: dt.datetime,
) -> int:
    return int(
        conn.execute(
            sa.insert(marks)
            .values(
                school_id=school_id,
                person_id=person_id,
                student_id=student_id,
                direction=draft.direction,
                occurred_at=draft.occurred_at,
                mark_date=draft.date,
                session=draft.session,
                minutes_late=draft.minutes_late,
                reason=draft.reason[:200],
                code=draft.code.code,
                code_id=draft.code.id,
                comment=draft.comment,
                status="queued",
                attempts=0,
                next_attempt_at=now,
                created_by=created_by[:254],
                created_at=now,
            )
            .returning(marks.c.id)
        ).scalar_one()
    )


def claim_due(
    conn: sa.Connection,
    now: dt.datetime,
    *,
    owner: str,
    lease: dt.timedelta,
    batch_size: int,
    school_id: int | None = None,
    alive: Callable[[int], bool] = pid_alive,
) -> list[Claimed]:
    """Take the queued marks that are due (or whose sender on this machine is dead) and group
    them into write-backs; a mark already in a write-back keeps its key and companions."""
    # Due, or claimed (a claim of a sender that died may be taken over before its lease ends).
    queued = (
        sa.select(marks)
        .where(
            marks.c.status == "queued",
            sa.or_(marks.c.next_attempt_at <= now, marks.c.claimed_by.is_not(None)),
        )
        .order_by(marks.c.id)
        .with_for_update(skip_locked=True)
    )
    if school_id is not None:
        queued = queued.where(marks.c.school_id == school_id)
    rows = [
        row
        for row in conn.execute(queued).mappings()
        if _at(row["next_attempt_at"]) <= now or _sender_gone(row["claimed_by"], alive)
    ]
    groups: dict[tuple[int, str], list[Any]] = {}
    for row in rows:
        if row["batch_key"]:
            groups.setdefault((row["school_id"], row["batch_key"]), []).append(row)
    fresh: dict[int, list[Any]] = {}
    for row in rows:
        if not row["batch_key"]:
            fresh.setdefault(row["school_id"], []).append(row)
    for school, waiting in fresh.items():
        for start in range(0, len(waiting), batch_size):
            groups[(school, new_key())] = waiting[start : start + batch_size]
    claimed = []
    for (school, key), members in groups.items():
        won = [r for r in members if _take(conn, r, owner, now + lease, key)]
        if won and len(won) < len(members) and members[0]["batch_key"]:
            # Another sender has part of a write-back already sent once: it must go again
            # whole, under its key, so let go of our part and leave it to the next pass.
            conn.execute(
                sa.update(marks)
                .where(marks.c.id.in_([r["id"] for r in won]))
                .values(claimed_by=None, next_attempt_at=now, attempts=marks.c.attempts - 1)
            )
            continue
        if not won:
            continue
        claimed.append(
            Claimed(
                school_id=school,
                batch_key=key,
                ids=tuple(r["id"] for r in won),
                records=tuple(_record(r) for r in won),
                created_at=min(_at(r["created_at"]) for r in won),
                attempts=max(r["attempts"] for r in won) + 1,
            )
        )
    return claimed


def _take(conn: sa.Connection, row: Any, owner: str, until: dt.datetime, key: str) -> bool:
    """Claim one mark, if no other sender changed it since we read it. PostgreSQL's row locks
    already keep two senders apart; SQLite has none, and this check is what does it there."""
    seen = (
        marks.c.claimed_by.is_(None)
        if row["claimed_by"] is None
        else (marks.c.claimed_by == row["claimed_by"])
    )
    taken = conn.execute(
        sa.update(marks)
        .where(
            marks.c.id == row["id"],
            marks.c.status == "queued",
            marks.c.next_attempt_at == row["next_attempt_at"],
            seen,
        )
        .values(
            claimed_by=owner, next_attempt_at=until, attempts=marks.c.attempts + 1, batch_key=key
        )
    )
    return taken.rowcount == 1


def _at(moment: dt.datetime) -> dt.datetime:
    """A stored timestamp in UTC (SQLite hands them back without a zone)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _sender_gone(owner: str | None, alive: Callable[[int], bool]) -> bool:
    if not owner:
        return False
    host, _, pid = owner.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not alive(int(pid))


def _record(row: Any) -> dict[str, Any]:
    """The mark as Wonde's session attendance write-back takes it."""
    record: dict[str, Any] = {
        "date": row["mark_date"].isoformat(),
        "session": row["session"],
        "student_id": row["student_id"],
        "attendance_code_id": row["code_id"],
        "comment": row["comment"],
    }
    if row["minutes_late"] is not None:
        record["minutes_late"] = row["minutes_late"]
    return record


def record_sent(
    conn: sa.Connection,
    ids: Sequence[int],
    writeback_id: str,
    now: dt.datetime,
    check_at: dt.datetime,
) -> None:
    conn.execute(
        sa.update(marks)
        .where(marks.c.id.in_(ids), marks.c.status == "queued")
        .values(
            status="sent",
            writeback_id=writeback_id,
            sent_at=now,
            next_attempt_at=check_at,
            claimed_by=None,
            last_error=None,
        )
    )


def record_retry(
    conn: sa.Connection, ids: Sequence[int], problem: str, retry_at: dt.datetime
) -> None:
    """Not sent (or not known to be): try again at `retry_at` in the same write-back."""
    conn.execute(
        sa.update(marks)
        .where(marks.c.id.in_(ids), marks.c.status == "queued")
        .values(next_attempt_at=retry_at, claimed_by=None, last_error=problem[:2000])
    )


def release_batch(conn: sa.Connection, ids: Sequence[int], now: dt.datetime) -> None:
    """The MIS refused the write-back as a whole, so it took none of it: the marks it did not
    name go again, in a new write-back."""
    conn.execute(
        sa.update(marks)
        .where(marks.c.id.in_(ids), marks.c.status == "queued")
        .values(batch_key=None, claimed_by=None, next_attempt_at=now)
    )


def record_failed(conn: sa.Connection, ids: Sequence[int], problem: str, now: dt.datetime) -> None:
    conn.execute(
        sa.update(marks)
        .where(marks.c.id.in_(ids), marks.c.status.in_(("queued", "sent")))
        .values(status="failed", failed_at=now, last_error=problem[:2000], claimed_by=None)
    )


def due_checks(conn: sa.Connection, now: dt.datetime) -> list[SentWriteback]:
    """Write-backs sent and not yet confirmed whose status is due to be asked."""
    rows = conn.execute(
        sa.select(marks.c.id, marks.c.school_id, marks.c.writeback_id, marks.c.created_at)
        .where(marks.c.status == "sent", marks.c.next_attempt_at <= now)
        .order_by(marks.c.id)
    ).all()
    found: dict[tuple[int, str], list[Any]] = {}
    for row in rows:
        found.setdefault((row.school_id, row.writeback_id), []).append(row)
    return [
        SentWriteback(
            school_id, writeback_id, tuple(r.id for r in members),
            min(_at(r.created_at) for r in members),
        )
        for (school_id, writeback_id), members in found.items()
    ]  # fmt: skip


def record_confirmed(conn: sa.Connection, ids: Sequence[int], now: dt.datetime) -> None:
    conn.execute(
        sa.update(marks)
        .where(marks.c.id.in_(ids), marks.c.status == "sent")
        .values(status="confirmed", confirmed_at=now, last_error=None)
    )


def check_later(
    conn: sa.Connection, ids: Sequence[int], at: dt.datetime, problem: str | None = None
) -> None:
    conn.execute(
        sa.update(marks)
        .where(marks.c.id.in_(ids), marks.c.status == "sent")
        .values(next_attempt_at=at, last_error=problem)
    )


def expire(conn: sa.Connection, now: dt.datetime, fail_after: dt.timedelta) -> int:
    """Marks still not confirmed `fail_after` after they were made become failed, with the
    last problem met (or that the MIS never confirmed them)."""
    cutoff = now - fail_after
    stale = (marks.c.status.in_(("queued", "sent"))) & (marks.c.created_at <= cutoff)
    waited = f"not confirmed by the MIS within {_duration(fail_after)}"
    result = conn.execute(
        sa.update(marks)
        .where(stale)
        .values(
            status="failed",
            failed_at=now,
            claimed_by=None,
            last_error=sa.case(
                (marks.c.last_error.is_(None), waited),
                else_=sa.literal(waited + "; last problem: ") + marks.c.last_error,
            ),
        )
    )
    return int(result.rowcount or 0)


def _duration(span: dt.timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes >= 60 and minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min" if minutes else f"{int(span.total_seconds())} s"
