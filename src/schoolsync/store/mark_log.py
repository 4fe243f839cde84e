"""Reading the outbox (table `attendance_marks`): the log of a school's marks with the pupils'
names, and the failures nobody has been emailed about yet. Writing it is `store/marks.py`'s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.store.attendance_tables import attendance_marks
from schoolsync.store.schools import as_utc
from schoolsync.store.tables import people, schools

marks = attendance_marks


@dataclass(frozen=True, slots=True)
class MarkRow:
    id: int
    pupil: str
    direction: str
    occurred_at: dt.datetime
    mark_date: dt.date
    session: str
    minutes_late: int | None
    reason: str
    code: str
    status: str
    attempts: int
    writeback_id: str | None
    last_error: str | None
    created_by: str
    created_at: dt.datetime
    confirmed_at: dt.datetime | None


def unalerted_failures(conn: sa.Connection) -> dict[int, list[MarkRow]]:
    """Failed marks nobody has been emailed about yet, by school id."""
    query = _rows_query().where(marks.c.status == "failed", marks.c.alerted_at.is_(None))
    found: dict[int, list[MarkRow]] = {}
    for row in conn.execute(query.order_by(marks.c.id)).mappings():
        found.setdefault(row["school_id"], []).append(_mark_row(row))
    return found


def record_alerted(conn: sa.Connection, ids: Sequence[int], now: dt.datetime) -> None:
    conn.execute(sa.update(marks).where(marks.c.id.in_(ids)).values(alerted_at=now))


def list_marks(
    conn: sa.Connection, school_id: int, *, limit: int = 200, status: str | None = None
) -> list[MarkRow]:
    query = _rows_query().where(marks.c.school_id == school_id)
    if status:
        query = query.where(marks.c.status == status)
    rows = conn.execute(query.order_by(marks.c.id.desc()).limit(limit)).mappings()
    return [_mark_row(row) for row in rows]


def count_by_status(conn: sa.Connection, school_id: int | None = None) -> dict[str, int]:
    query = sa.select(marks.c.status, sa.func.count()).group_by(marks.c.status)
    if school_id is not None:
        query = query.where(marks.c.school_id == school_id)
    return {status: int(count) for status, count in conn.execute(query).all()}


def school_keys(conn: sa.Connection, school_ids: Sequence[int]) -> dict[int, str]:
    rows = conn.execute(sa.select(schools.c.id, schools.c.key).where(schools.c.id.in_(school_ids)))
    return {row.id: row.key for row in rows}


def _rows_query() -> sa.Select[Any]:
    return sa.select(marks, (people.c.forename + " " + people.c.surname).label("pupil")).join(
        people, people.c.id == marks.c.person_id
    )


def _mark_row(row: Any) -> MarkRow:
    return MarkRow(
        id=row["id"],
        pupil=row["pupil"],
        direction=row["direction"],
        occurred_at=_at(row["occurred_at"]),
        mark_date=row["mark_date"],
        session=row["session"],
        minutes_late=row["minutes_late"],
        reason=row["reason"],
        code=row["code"],
        status=row["status"],
        attempts=row["attempts"],
        writeback_id=row["writeback_id"],
        last_error=row["last_error"],
        created_by=row["created_by"],
        created_at=_at(row["created_at"]),
        confirmed_at=as_utc(row["confirmed_at"]),
    )


def get_mark(conn: sa.Connection, school_id: int, mark_id: int) -> MarkRow | None:
    query = _rows_query().where(marks.c.school_id == school_id, marks.c.id == mark_id)
    row = conn.execute(query).mappings().first()
    return _mark_row(row) if row is not None else None


def _at(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
