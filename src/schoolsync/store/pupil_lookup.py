"""Finding a pupil at reception: by an identifier a script knows (MIS id, UPN, username, Wonde
id) or by name as a person types it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from schoolsync.store.tables import group_memberships, groups, people


@dataclass(frozen=True, slots=True)
class PupilRef:
    id: int
    name: str
    #: the Wonde id; None for a pupil only ever imported from files
    source_id: str | None
    status: str
    year_group: str | None
    registration: str | None = None


def _pupils(school_id: int) -> sa.Select[tuple[int, str, str, str | None, str, str | None]]:
    return sa.select(
        people.c.id, people.c.forename, people.c.surname, people.c.source_id, people.c.status,
        people.c.year_group,
    ).where(people.c.school_id == school_id, people.c.role == "student")  # fmt: skip


def find_pupil(conn: sa.Connection, school_id: int, ref: str) -> list[PupilRef]:
    """Pupils whose MIS id, UPN, username or Wonde id is `ref` (more than one is ambiguous)."""
    wanted = ref.strip()
    query = _pupils(school_id).where(
        sa.or_(
            people.c.mis_id == wanted,
            people.c.upn == wanted.upper(),
            people.c.username == wanted,
            people.c.source_id == wanted,
        )
    )
    return [_ref(row) for row in conn.execute(query)]


def pupil_by_id(conn: sa.Connection, school_id: int, person_id: int) -> PupilRef | None:
    row = conn.execute(_pupils(school_id).where(people.c.id == person_id)).first()
    return _ref(row) if row is not None else None


def search_pupils(
    conn: sa.Connection, school_id: int, text: str, limit: int = 20
) -> list[PupilRef]:
    """Pupils on roll whose name starts with what was typed (forename, surname, or both)."""
    words = [w for w in text.strip().lower().split() if w]
    if not words:
        return []
    query = _pupils(school_id).where(people.c.status == "active")
    full = sa.func.lower(people.c.forename + " " + people.c.surname)
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(
            sa.or_(
                sa.func.lower(people.c.forename).like(f"{escaped}%", escape="\\"),
                sa.func.lower(people.c.surname).like(f"{escaped}%", escape="\\"),
                full.like(f"%{escaped}%", escape="\\"),
            )
        )
    rows = conn.execute(query.order_by(people.c.surname, people.c.forename).limit(limit)).all()
    found = [_ref(row) for row in rows]
    forms = _registration_groups(conn, [p.id for p in found])
    return [
        PupilRef(p.id, p.name, p.source_id, p.status, p.year_group, forms.get(p.id)) for p in found
    ]


def _registration_groups(conn: sa.Connection, ids: list[int]) -> dict[int, str]:
    """Each pupil's form, so reception can tell two pupils of the same name apart."""
    if not ids:
        return {}
    rows = conn.execute(
        sa.select(group_memberships.c.person_id, groups.c.name)
        .join(groups, groups.c.id == group_memberships.c.group_id)
        .where(
            group_memberships.c.person_id.in_(ids),
            groups.c.kind == "registration",
            groups.c.status == "active",
        )
    ).all()
    return {row.person_id: row.name for row in rows}


def _ref(row: sa.Row[tuple[int, str, str, str | None, str, str | None]]) -> PupilRef:
    return PupilRef(
        id=row.id,
        name=f"{row.forename} {row.surname}",
        source_id=row.source_id,
        status=row.status,
        year_group=row.year_group,
    )
