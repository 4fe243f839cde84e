"""The store's side of a first connection: existing accounts, classes and class lists saved as
unlinked rows (no source ids), the choices a person made, the links a merge writes, and the
connection's state. Functions never commit: the service that calls them owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.errors import NotMerged
from schoolsync.model import Person, SchoolClass
from schoolsync.model.existing import ExistingData, MergedChoices
from schoolsync.store.first_connection_tables import (
    class_choices,
    first_connections,
    pupil_resolutions,
)
from schoolsync.store.tables import class_memberships, classes, people

#: matching: accounts loaded, no sync until a merge; merged; disconnected: no more syncs
STATES = ("matching", "merged", "disconnected")


@dataclass(frozen=True, slots=True)
class Unlinked:
    """What the product has that no MIS record is linked to yet."""

    accounts: tuple[dict[str, Any], ...]
    #: (id, name, code, external_id, pupil ids)
    classes: tuple[tuple[int, str, str | None, str | None, frozenset[int]], ...]


def state_of(conn: sa.Connection, school_id: int) -> str | None:
    return conn.execute(
        sa.select(first_connections.c.state).where(first_connections.c.school_id == school_id)
    ).scalar()


def _pairs(rows: Iterable[Any]) -> dict[Any, Any]:
    return {row[0]: row[1] for row in rows}


def refuse_before_merge(conn: sa.Connection, school_id: int, name: str, key: str) -> None:
    """No run at all while existing accounts wait for their merge, or once disconnected."""
    state = state_of(conn, school_id)
    if state == "matching":
        raise NotMerged(
            f"{name} has existing accounts that are not linked to the MIS yet, so a sync now "
            "could give pupils a second account. Match and merge first: "
            f"`schoolsync match {key}`, then `schoolsync merge {key}` (the merge runs the first "
            "sync)."
        )
    if state == "disconnected":
        raise NotMerged(
            f"{name} was disconnected from its MIS, so it does not sync; its accounts and "
            "classes stay as they are."
        )


def set_state(conn: sa.Connection, school_id: int, state: str, now: dt.datetime) -> None:
    stamp = {"merged": "merged_at", "disconnected": "disconnected_at"}.get(state)
    values: dict[str, Any] = {"state": state, **({stamp: now} if stamp else {})}
    done = conn.execute(
        sa.update(first_connections)
        .where(first_connections.c.school_id == school_id)
        .values(**values)
    )
    if not done.rowcount:
        conn.execute(
            sa.insert(first_connections).values(school_id=school_id, imported_at=now, **values)
        )


def known_names(conn: sa.Connection, school_id: int) -> tuple[set[str], set[str]]:
    """Every username and every product class id the school has."""
    usernames = conn.execute(
        sa.select(people.c.username).where(
            people.c.school_id == school_id, people.c.username.is_not(None)
        )
    ).scalars()
    class_ids = conn.execute(
        sa.select(classes.c.external_id).where(
            classes.c.school_id == school_id, classes.c.external_id.is_not(None)
        )
    ).scalars()
    return set(usernames), set(class_ids)


def save_existing(
    conn: sa.Connection, school_id: int, data: ExistingData, now: dt.datetime
) -> dict[str, int]:
    person_ids: dict[str, int] = _pairs(
        conn.execute(
            sa.select(sa.func.lower(people.c.username), people.c.id).where(
                people.c.school_id == school_id, people.c.username.is_not(None)
            )
        )
    )
    for user in data.users:
        person_ids[user.username.lower()] = conn.execute(
            sa.insert(people)
            .values(
                school_id=school_id,
                family="pupil" if user.role == "student" else "employee",
                role=user.role,
                username=user.username,
                forename=user.forename,
                surname=user.surname,
                email=user.email,
                date_of_birth=user.date_of_birth,
                year_group=user.year_group,
                upn=user.upn,
                status="active",
                created_at=now,
                updated_at=now,
            )
            .returning(people.c.id)
        ).scalar_one()
    class_ids: dict[str, int] = _pairs(
        conn.execute(
            sa.select(classes.c.external_id, classes.c.id).where(
                classes.c.school_id == school_id, classes.c.external_id.is_not(None)
            )
        )
    )
    for found in data.classes:
        class_ids[found.class_id] = conn.execute(
            sa.insert(classes)
            .values(
                school_id=school_id,
                external_id=found.class_id,
                name=found.name,
                code=found.code,
                status="active",
                created_at=now,
                updated_at=now,
            )
            .returning(classes.c.id)
        ).scalar_one()
    members = {
        (class_ids[m.class_id], person_ids[m.username.lower()], m.role) for m in data.memberships
    }
    if members:
        conn.execute(
            sa.insert(class_memberships),
            [
                {"school_id": school_id, "class_id": c, "person_id": p, "role": r}
                for c, p, r in sorted(members)
            ],
        )
    if state_of(conn, school_id) != "merged":
        set_state(conn, school_id, "matching", now)
    return {"users": len(data.users), "classes": len(data.classes), "memberships": len(members)}


def load_unlinked(conn: sa.Connection, school_id: int) -> Unlinked:
    accounts = conn.execute(
        sa.select(
            people.c.id,
            people.c.family,
            people.c.role,
            people.c.username,
            people.c.email,
            people.c.forename,
            people.c.surname,
            people.c.date_of_birth,
            people.c.year_group,
            people.c.upn,
            people.c.mis_id,
        )
        .where(
            people.c.school_id == school_id,
            people.c.source_id.is_(None),
            people.c.family != "contact",
            people.c.status == "active",
        )
        .order_by(people.c.id)
    ).mappings()
    rows = conn.execute(
        sa.select(classes.c.id, classes.c.name, classes.c.code, classes.c.external_id)
        .where(
            classes.c.school_id == school_id,
            classes.c.source_id.is_(None),
            classes.c.status == "active",
        )
        .order_by(classes.c.id)
    ).all()
    pupils: dict[int, set[int]] = defaultdict(set)
    for class_id, person_id in conn.execute(
        sa.select(class_memberships.c.class_id, class_memberships.c.person_id).where(
            class_memberships.c.school_id == school_id, class_memberships.c.role == "student"
        )
    ):
        pupils[class_id].add(person_id)
    return Unlinked(
        tuple(dict(row) for row in accounts),
        tuple((r[0], r[1], r[2], r[3], frozenset(pupils[r[0]])) for r in rows),
    )


def load_answers(conn: sa.Connection, school_id: int) -> dict[str, int | None]:
    return _pairs(
        conn.execute(
            sa.select(pupil_resolutions.c.mis_id, pupil_resolutions.c.person_id).where(
                pupil_resolutions.c.school_id == school_id
            )
        )
    )


def save_answers(conn: sa.Connection, school_id: int, answers: Mapping[str, int | None]) -> None:
    if not answers:
        return
    conn.execute(
        sa.delete(pupil_resolutions).where(
            pupil_resolutions.c.school_id == school_id,
            pupil_resolutions.c.mis_id.in_(list(answers)),
        )
    )
    conn.execute(
        sa.insert(pupil_resolutions),
        [{"school_id": school_id, "mis_id": k, "person_id": v} for k, v in answers.items()],
    )


def load_class_choices(conn: sa.Connection, school_id: int) -> dict[str, tuple[str, int | None]]:
    return {
        key: (action, existing)
        for key, action, existing in conn.execute(
            sa.select(
                class_choices.c.mis_class_id,
                class_choices.c.action,
                class_choices.c.existing_class_id,
            ).where(class_choices.c.school_id == school_id)
        )
    }


def save_class_choices(
    conn: sa.Connection, school_id: int, choices: Mapping[str, tuple[str, int | None]]
) -> None:
    if not choices:
        return
    conn.execute(
        sa.delete(class_choices).where(
            class_choices.c.school_id == school_id,
            class_choices.c.mis_class_id.in_(list(choices)),
        )
    )
    conn.execute(
        sa.insert(class_choices),
        [
            {"school_id": school_id, "mis_class_id": k, "action": a, "existing_class_id": e}
            for k, (a, e) in choices.items()
        ],
    )


def link_people(
    conn: sa.Connection, school_id: int, links: Iterable[tuple[int, Person]], now: dt.datetime
) -> int:
    """Give existing accounts their MIS records' ids: the next sync finds them as its own."""
    count = 0
    for person_id, person in links:
        conn.execute(
            sa.update(people)
            .where(people.c.school_id == school_id, people.c.id == person_id)
            .values(
                source_id=person.source_id,
                mis_id=person.mis_id,
                upi=person.upi,
                upn=person.upn or people.c.upn,
                updated_at=now,
            )
        )
        count += 1
    return count


def link_classes(
    conn: sa.Connection, school_id: int, links: Iterable[tuple[int, SchoolClass]], now: dt.datetime
) -> int:
    count = 0
    for class_id, school_class in links:
        conn.execute(
            sa.update(classes)
            .where(classes.c.school_id == school_id, classes.c.id == class_id)
            .values(source_id=school_class.source_id, mis_id=school_class.mis_id, updated_at=now)
        )
        count += 1
    return count


def merged_choices(conn: sa.Connection, school_id: int) -> MergedChoices | None:
    """What later syncs honour, once a merge has happened (None before, or with no first
    connection at all)."""
    if state_of(conn, school_id) != "merged":
        return None
    left_alone = frozenset(
        key for key, (action, _) in load_class_choices(conn, school_id).items() if action == "none"
    )
    return MergedChoices(load_answers(conn, school_id), left_alone)
