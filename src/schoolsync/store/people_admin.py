"""What a school does to its people by hand, outside any sync: exclude one from the import (and
undo it), list the excluded, archive everyone of a role. Never commits: the caller owns the
transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from schoolsync.errors import ConfigError, NotFound
from schoolsync.store.tables import people


@dataclass(frozen=True, slots=True)
class PersonEntry:
    id: int
    role: str
    name: str
    mis_id: str | None
    upn: str | None
    source_id: str | None
    status: str
    excluded: bool
    excluded_by: str | None
    excluded_at: dt.datetime | None
    #: the stored attendance summary (`model.current.stored_attendance`)
    attendance: str | None = None


_COLUMNS = (
    people.c.id, people.c.role, people.c.forename, people.c.surname, people.c.mis_id,
    people.c.upn, people.c.source_id, people.c.status, people.c.excluded, people.c.excluded_by,
    people.c.excluded_at, people.c.attendance,
)  # fmt: skip


def _entry(m: sa.RowMapping) -> PersonEntry:
    return PersonEntry(
        id=m["id"], role=m["role"], name=f"{m['forename']} {m['surname']}".strip(),
        mis_id=m["mis_id"], upn=m["upn"], source_id=m["source_id"], status=m["status"],
        excluded=m["excluded"], excluded_by=m["excluded_by"], excluded_at=m["excluded_at"],
        attendance=m["attendance"],
    )  # fmt: skip


def find_person(conn: sa.Connection, school_id: int, named: str) -> PersonEntry:
    """The one person of the school with this MIS id, UPN or source (Wonde) id."""
    wanted = named.strip()
    rows = (
        conn.execute(
            sa.select(*_COLUMNS)
            .where(people.c.school_id == school_id)
            .where(
                sa.or_(
                    people.c.mis_id == wanted, people.c.upn == wanted, people.c.source_id == wanted
                )
            )
            .order_by(people.c.id)
        )
        .mappings()
        .all()
    )
    if not rows:
        raise NotFound(f"Nobody in this school has the MIS id, UPN or Wonde id {wanted!r}")
    if len(rows) > 1:
        # A pupil's MIS id can be a contact's too: naming the wrong one must not happen silently.
        found = "; ".join(f"{_entry(r).role} {_entry(r).name}" for r in rows)
        raise ConfigError(
            f"{wanted!r} names {len(rows)} people ({found}); use the Wonde id or UPN instead"
        )
    return _entry(rows[0])


def set_excluded(
    conn: sa.Connection, person_id: int, excluded: bool, by: str, now: dt.datetime
) -> None:
    conn.execute(
        sa.update(people)
        .where(people.c.id == person_id)
        .values(
            excluded=excluded,
            excluded_by=by if excluded else None,
            excluded_at=now if excluded else None,
        )
    )


def excluded_people(conn: sa.Connection, school_id: int) -> list[PersonEntry]:
    rows = (
        conn.execute(
            sa.select(*_COLUMNS)
            .where(people.c.school_id == school_id, people.c.excluded == sa.true())
            .order_by(people.c.surname, people.c.forename, people.c.id)
        )
        .mappings()
        .all()
    )
    return [_entry(row) for row in rows]


def archive_role(conn: sa.Connection, school_id: int, role: str, now: dt.datetime) -> int:
    """Every person of the role becomes `archived` (their data kept); how many did."""
    result = conn.execute(
        sa.update(people)
        .where(
            people.c.school_id == school_id,
            people.c.role == role,
            people.c.status != "archived",
        )
        .values(status="archived", updated_at=now)
    )
    return int(result.rowcount or 0)


def person_entry(conn: sa.Connection, school_id: int, person_id: int) -> PersonEntry | None:
    row = (
        conn.execute(
            sa.select(*_COLUMNS).where(people.c.school_id == school_id, people.c.id == person_id)
        )
        .mappings()
        .first()
    )
    return _entry(row) if row is not None else None
