"""Finding a school's synced classes and subjects by what a person knows: a name, a code, an
MIS id. The product names classes by MIS id, so this is how a person finds one."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from schoolsync.store.tables import class_memberships, classes, subjects


@dataclass(frozen=True, slots=True)
class ClassEntry:
    mis_id: str | None
    source_id: str | None
    name: str
    code: str | None
    subject: str | None
    year_group: str | None
    status: str
    pupils: int


def find_classes(
    conn: sa.Connection, school_id: int, search: str | None = None
) -> list[ClassEntry]:
    """Classes by name; `search` matches (case-insensitively) the class's name, code, MIS id
    or subject name."""
    pupils = (
        sa.select(class_memberships.c.class_id, sa.func.count().label("pupils"))
        .where(class_memberships.c.school_id == school_id, class_memberships.c.role == "student")
        .group_by(class_memberships.c.class_id)
        .subquery()
    )
    query = (
        sa.select(
            classes.c.mis_id,
            classes.c.source_id,
            classes.c.name,
            classes.c.code,
            subjects.c.name.label("subject"),
            classes.c.year_group,
            classes.c.status,
            sa.func.coalesce(pupils.c.pupils, 0),
        )
        .outerjoin(subjects, subjects.c.id == classes.c.subject_id)
        .outerjoin(pupils, pupils.c.class_id == classes.c.id)
        .where(classes.c.school_id == school_id)
        .order_by(classes.c.status, sa.func.lower(classes.c.name), classes.c.id)
    )
    if search and search.strip():
        pattern = f"%{_escape_like(search.strip().lower())}%"
        searched = (classes.c.name, classes.c.code, classes.c.mis_id, subjects.c.name)
        query = query.where(
            sa.or_(*(sa.func.lower(c).like(pattern, escape="\\") for c in searched))
        )
    return [ClassEntry(*row) for row in conn.execute(query)]


def class_known(conn: sa.Connection, school_id: int, mis_id: str) -> bool:
    """Whether a sync ever brought across a class with this MIS id."""
    found = conn.execute(
        sa.select(classes.c.id)
        .where(classes.c.school_id == school_id, classes.c.mis_id == mis_id)
        .limit(1)
    ).first()
    return found is not None


def structure_names(conn: sa.Connection, school_id: int) -> tuple[dict[str, str], dict[str, str]]:
    """Stored subject and class names by source id: how a sync scope is shown to a person."""

    def names(table: sa.Table) -> dict[str, str]:
        rows = conn.execute(
            sa.select(table.c.source_id, table.c.name).where(
                table.c.school_id == school_id, table.c.source_id.is_not(None)
            )
        )
        return {source_id: name for source_id, name in rows}

    return names(subjects), names(classes)


def _escape_like(text: str) -> str:
    return "".join("\\" + ch if ch in "\\%_" else ch for ch in text)
