"""Rows for login cards: a class's pupils with their usernames, and the argon2 hashes of the
initial passwords given out (never the passwords). Functions never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from schoolsync.store.first_connection_tables import login_credentials
from schoolsync.store.tables import class_memberships, classes, people


@dataclass(frozen=True, slots=True)
class Roster:
    class_id: int
    name: str
    teachers: tuple[str, ...]
    #: (person id, forename, surname, username), by surname
    pupils: tuple[tuple[int, str, str, str | None], ...]
    #: when each pupil was given an initial password, if they were
    issued: Mapping[int, dt.datetime]


def classes_with_pupils(conn: sa.Connection, school_id: int) -> list[tuple[int, str, int]]:
    """(class id, name, active pupils) of every active class that has pupils, by name."""
    count = sa.func.count(people.c.id)
    rows = conn.execute(
        sa.select(classes.c.id, classes.c.name, count)
        .join(class_memberships, class_memberships.c.class_id == classes.c.id)
        .join(people, people.c.id == class_memberships.c.person_id)
        .where(
            classes.c.school_id == school_id,
            classes.c.status == "active",
            class_memberships.c.role == "student",
            people.c.status == "active",
        )
        .group_by(classes.c.id, classes.c.name)
        .order_by(classes.c.name, classes.c.id)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def find_class(conn: sa.Connection, school_id: int, ref: str) -> int | None:
    """A class by its MIS id, the product's own id, or its name (exactly one)."""
    for column in (classes.c.mis_id, classes.c.external_id, classes.c.name):
        found = conn.execute(
            sa.select(classes.c.id).where(
                classes.c.school_id == school_id, classes.c.status == "active", column == ref
            )
        ).all()
        if len(found) == 1:
            return int(found[0][0])
    return None


def roster(conn: sa.Connection, school_id: int, class_id: int) -> Roster | None:
    name = conn.execute(
        sa.select(classes.c.name).where(classes.c.school_id == school_id, classes.c.id == class_id)
    ).scalar()
    if name is None:
        return None
    members = conn.execute(
        sa.select(
            people.c.id, people.c.forename, people.c.surname, people.c.username,
            class_memberships.c.role,
        )
        .join(class_memberships, class_memberships.c.person_id == people.c.id)
        .where(class_memberships.c.class_id == class_id, people.c.status == "active")
        .order_by(people.c.surname, people.c.forename, people.c.id)
    ).all()  # fmt: skip
    pupils = tuple((r[0], r[1], r[2], r[3]) for r in members if r[4] == "student")
    issued = {
        r[0]: r[1]
        for r in conn.execute(
            sa.select(login_credentials.c.person_id, login_credentials.c.issued_at).where(
                login_credentials.c.person_id.in_([p[0] for p in pupils])
            )
        )
    }
    teachers = tuple(f"{r[1]} {r[2]}" for r in members if r[4] == "teacher")
    return Roster(class_id, name, teachers, pupils, issued)


def save_passwords(
    conn: sa.Connection, school_id: int, hashes: Mapping[int, str], now: dt.datetime
) -> None:
    if not hashes:
        return
    conn.execute(
        sa.delete(login_credentials).where(login_credentials.c.person_id.in_(list(hashes)))
    )
    conn.execute(
        sa.insert(login_credentials),
        [
            {"person_id": p, "school_id": school_id, "password_hash": h, "issued_at": now}
            for p, h in hashes.items()
        ],
    )
