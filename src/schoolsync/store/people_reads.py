"""A school's people and classes as the People and Classes pages (and the API) read them
(`services/people.py` puts them in words). Lists are keyset-paginated: the last page of 2,000
pupils is as quick as the first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.store.schools import as_utc
from schoolsync.store.tables import changes, class_memberships, classes, people, subjects, sync_runs

PAGE_SIZE = 50
ROLES = ("student", "teacher", "staff", "contact")
STATUSES = ("active", "left")
#: How many of a person's changes their page lists, newest first.
HISTORY_SHOWN = 100


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: int
    name: str
    role: str
    status: str
    year_group: str | None
    mis_id: str | None


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Any]
    #: the keyset to continue after, when there is a next page
    after: tuple[str, int] | None


def people_page(
    conn: sa.Connection,
    school_id: int,
    *,
    search: str = "",
    role: str = "",
    status: str = "",
    after: tuple[str, int] | None = None,
    page_size: int = PAGE_SIZE,
) -> Page:
    """People by name (surname, forename), filtered, continuing after `after`."""
    sort_name = people.c.surname + " " + people.c.forename
    query = sa.select(
        people.c.id,
        people.c.forename,
        people.c.surname,
        people.c.role,
        people.c.status,
        people.c.year_group,
        people.c.mis_id,
        sort_name.label("sort_name"),
    ).where(people.c.school_id == school_id)
    if role in ROLES:
        query = query.where(people.c.role == role)
    if status in STATUSES:
        query = query.where(people.c.status == status)
    term = search.strip().lower()
    if term:
        query = query.where(
            sa.or_(
                sa.func.lower(people.c.forename + " " + people.c.surname).contains(
                    term, autoescape=True
                ),
                sa.func.lower(sort_name).contains(term, autoescape=True),
                sa.func.lower(people.c.email) == term,
                people.c.mis_id == search.strip(),
                people.c.upn == search.strip(),
            )
        )
    if after is not None:
        query = query.where(sa.tuple_(sort_name, people.c.id) > sa.tuple_(*after))
    found = conn.execute(query.order_by(sort_name, people.c.id).limit(page_size + 1)).all()
    rows = [
        PersonRow(r.id, f"{r.forename} {r.surname}", r.role, r.status, r.year_group, r.mis_id)
        for r in found[:page_size]
    ]
    last = found[page_size - 1] if len(found) > page_size else None
    return Page(rows, (last.sort_name, last.id) if last is not None else None)


def person_record(conn: sa.Connection, school_id: int, person_id: int) -> Any | None:
    """The person's stored row; None when the school has no such person."""
    return (
        conn.execute(
            sa.select(people).where(people.c.school_id == school_id, people.c.id == person_id)
        )
        .mappings()
        .first()
    )


def person_classes(conn: sa.Connection, school_id: int, person_id: int) -> list[tuple[int, str]]:
    """(id, name) of the classes the person is in now, by name."""
    rows = conn.execute(
        sa.select(classes.c.id, classes.c.name)
        .join(class_memberships, class_memberships.c.class_id == classes.c.id)
        .where(class_memberships.c.person_id == person_id, classes.c.school_id == school_id)
        .order_by(classes.c.name)
    ).all()
    return [(r.id, r.name) for r in rows]


def person_changes(
    conn: sa.Connection, school_id: int, person_id: int, limit: int = HISTORY_SHOWN
) -> list[tuple[int, dt.datetime | None, dict[str, Any]]]:
    """(run id, when the run started, the change as `change_labels.describe` reads it) of the
    person's own record and of their class memberships (joining and leaving a class), newest
    first."""
    about_person = sa.and_(changes.c.record_id == person_id, changes.c.entity.in_(ROLES))
    # A membership change names the person inside its values, not as its record.
    in_class = sa.and_(
        changes.c.entity == "class_membership",
        sa.or_(
            changes.c.before["person_id"].as_integer() == person_id,
            changes.c.after["person_id"].as_integer() == person_id,
        ),
    )
    logged = conn.execute(
        sa.select(changes, sync_runs.c.started_at)
        .join(sync_runs, sync_runs.c.id == changes.c.run_id)
        .where(changes.c.school_id == school_id, sa.or_(about_person, in_class))
        .order_by(changes.c.id.desc())
        .limit(limit)
    ).mappings()
    return [
        (
            c["run_id"],
            as_utc(c["started_at"]),
            {
                "entity": c["entity"],
                "kind": c["kind"],
                "key": c["source_id"],
                "name": "",
                "record_id": c["record_id"],
                "before": c["before"] or {},
                "after": c["after"] or {},
            },
        )
        for c in logged
    ]


@dataclass(frozen=True, slots=True)
class ClassRow:
    id: int
    name: str
    subject: str | None
    year_group: str | None
    pupils: int
    teachers: list[str]


def classes_page(
    conn: sa.Connection,
    school_id: int,
    *,
    search: str = "",
    after: tuple[str, int] | None = None,
    page_size: int = PAGE_SIZE,
) -> Page:
    query = (
        sa.select(
            classes.c.id, classes.c.name, classes.c.year_group, subjects.c.name.label("subject")
        )
        .outerjoin(subjects, subjects.c.id == classes.c.subject_id)
        .where(classes.c.school_id == school_id, classes.c.status == "active")
    )
    if search.strip():
        query = query.where(
            sa.func.lower(classes.c.name).contains(search.strip().lower(), autoescape=True)
        )
    if after is not None:
        query = query.where(sa.tuple_(classes.c.name, classes.c.id) > sa.tuple_(*after))
    found = conn.execute(query.order_by(classes.c.name, classes.c.id).limit(page_size + 1)).all()
    shown = found[:page_size]
    members = _members(conn, [r.id for r in shown])
    rows = [
        ClassRow(
            r.id,
            r.name,
            r.subject,
            r.year_group,
            len(members.get(r.id, {}).get("student", [])),
            [name for _id, name in members.get(r.id, {}).get("teacher", [])],
        )
        for r in shown
    ]
    last = found[page_size - 1] if len(found) > page_size else None
    return Page(rows, (last.name, last.id) if last is not None else None)


def _members(conn: sa.Connection, class_ids: list[int]) -> dict[int, dict[str, list[Any]]]:
    """class id -> membership role ("student", "teacher") -> [(person id, name)] by name."""
    if not class_ids:
        return {}
    rows = conn.execute(
        sa.select(
            class_memberships.c.class_id,
            class_memberships.c.role,
            people.c.id,
            people.c.forename,
            people.c.surname,
        )
        .join(people, people.c.id == class_memberships.c.person_id)
        .where(class_memberships.c.class_id.in_(class_ids))
        .order_by(people.c.surname, people.c.forename, people.c.id)
    )
    found: dict[int, dict[str, list[Any]]] = {}
    for r in rows:
        found.setdefault(r.class_id, {}).setdefault(r.role, []).append(
            (r.id, f"{r.forename} {r.surname}")
        )
    return found


@dataclass(frozen=True, slots=True)
class ClassDetail:
    name: str
    subject: str | None
    year_group: str | None
    mis_id: str | None
    teachers: list[tuple[int, str]]
    pupils: list[tuple[int, str]]


def class_detail(conn: sa.Connection, school_id: int, class_id: int) -> ClassDetail | None:
    row = conn.execute(
        sa.select(
            classes.c.name, classes.c.year_group, classes.c.mis_id, subjects.c.name.label("subject")
        )
        .outerjoin(subjects, subjects.c.id == classes.c.subject_id)
        .where(classes.c.school_id == school_id, classes.c.id == class_id)
    ).first()
    if row is None:
        return None
    members = _members(conn, [class_id]).get(class_id, {})
    return ClassDetail(
        row.name,
        row.subject,
        row.year_group,
        row.mis_id,
        members.get("teacher", []),
        members.get("student", []),
    )
