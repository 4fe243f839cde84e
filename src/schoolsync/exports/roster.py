"""What an export may show of one school: the store's *current* records, read in one go.

Only live records are loaded. People who left or were archived, people the school excluded,
and deleted subjects and classes are not part of the current roster; relations (memberships,
contact links) are kept only where both ends are loaded, so an export built from a `Roster` is
self-consistent by construction.

Excluded people are left out because exclusion is the school saying "keep this person out of
the product": passing them on to another system would undo that choice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa

from schoolsync.errors import SchoolNotFound
from schoolsync.model import ROLES
from schoolsync.store.tables import (
    class_memberships,
    classes,
    contact_links,
    group_memberships,
    groups,
    people,
    schools,
    subjects,
)


@dataclass(frozen=True, slots=True)
class SchoolRecord:
    id: int
    key: str
    name: str
    urn: str | None
    timezone: str


@dataclass(frozen=True, slots=True)
class PersonRecord:
    id: int
    family: str
    role: str
    source_id: str | None
    mis_id: str | None
    upi: str | None
    upn: str | None
    forename: str
    surname: str
    middle_names: str | None
    gender: str | None
    date_of_birth: dt.date | None
    email: str | None
    username: str | None
    year_group: str | None
    legal_forename: str | None = None
    legal_middle_names: str | None = None
    legal_surname: str | None = None


@dataclass(frozen=True, slots=True)
class SubjectRecord:
    id: int
    source_id: str | None
    mis_id: str | None
    name: str
    code: str | None


@dataclass(frozen=True, slots=True)
class ClassRecord:
    id: int
    source_id: str | None
    mis_id: str | None
    name: str
    code: str | None
    subject_id: int | None
    year_group: str | None
    location: str | None = None


@dataclass(frozen=True, slots=True)
class GroupRecord:
    id: int
    source_id: str | None
    mis_id: str | None
    name: str
    code: str | None
    kind: str = "registration"


@dataclass(frozen=True, slots=True)
class Membership:
    """A person in a class or group; `role` is the store's (student, teacher, employee)."""

    of_id: int
    person_id: int
    role: str


@dataclass(frozen=True, slots=True)
class ContactLinkRecord:
    pupil_id: int
    contact_id: int
    relationship: str | None
    priority: int | None
    parental_responsibility: bool | None


@dataclass(frozen=True, slots=True)
class Roster:
    school: SchoolRecord
    people: tuple[PersonRecord, ...]
    #: only subjects that are still active; a class may name a deleted one (see `ClassRecord`)
    subjects: tuple[SubjectRecord, ...]
    classes: tuple[ClassRecord, ...]
    #: registration (form) groups: OneRoster's homerooms
    registration_groups: tuple[GroupRecord, ...]
    class_members: tuple[Membership, ...]
    #: members of every group loaded, registration or other
    group_members: tuple[Membership, ...]
    contact_links: tuple[ContactLinkRecord, ...]
    #: year, house and the other kinds of group, which OneRoster has no name for
    other_groups: tuple[GroupRecord, ...] = ()


def _columns(table: sa.Table, record: Any) -> list[sa.Column[Any]]:
    """The table's columns named like the record's fields, in field order."""
    return [table.c[field.name] for field in fields(record)]


def load_roster(conn: sa.Connection, school_id: int) -> Roster:
    school_row = conn.execute(
        sa.select(
            schools.c.id, schools.c.key, schools.c.name, schools.c.urn, schools.c.timezone
        ).where(schools.c.id == school_id)
    ).one_or_none()
    if school_row is None:
        raise SchoolNotFound(str(school_id))
    school = SchoolRecord(*school_row)

    person_rows = conn.execute(
        sa.select(*_columns(people, PersonRecord))
        .where(
            people.c.school_id == school_id,
            people.c.status == "active",
            people.c.excluded == sa.false(),
            people.c.role.in_(ROLES),
        )
        .order_by(people.c.id)
    )
    loaded_people = tuple(PersonRecord(*row) for row in person_rows)
    roles = {person.id: person.role for person in loaded_people}

    loaded_subjects = tuple(
        SubjectRecord(*row)
        for row in conn.execute(
            sa.select(*_columns(subjects, SubjectRecord))
            .where(subjects.c.school_id == school_id, subjects.c.status == "active")
            .order_by(subjects.c.id)
        )
    )
    loaded_classes = tuple(
        ClassRecord(*row)
        for row in conn.execute(
            sa.select(*_columns(classes, ClassRecord))
            .where(classes.c.school_id == school_id, classes.c.status == "active")
            .order_by(classes.c.id)
        )
    )
    loaded_groups = tuple(
        GroupRecord(*row)
        for row in conn.execute(
            sa.select(*_columns(groups, GroupRecord))
            .where(groups.c.school_id == school_id, groups.c.status == "active")
            .order_by(groups.c.id)
        )
    )

    class_ids = {record.id for record in loaded_classes}
    group_ids = {record.id for record in loaded_groups}
    class_rows = conn.execute(
        sa.select(
            class_memberships.c.class_id, class_memberships.c.person_id, class_memberships.c.role
        )
        .where(class_memberships.c.school_id == school_id)
        .order_by(class_memberships.c.class_id, class_memberships.c.person_id)
    )
    group_rows = conn.execute(
        sa.select(
            group_memberships.c.group_id, group_memberships.c.person_id, group_memberships.c.role
        )
        .where(group_memberships.c.school_id == school_id)
        .order_by(group_memberships.c.group_id, group_memberships.c.person_id)
    )
    link_rows = conn.execute(
        sa.select(
            contact_links.c.pupil_id,
            contact_links.c.contact_id,
            contact_links.c.relationship,
            contact_links.c.priority,
            contact_links.c.parental_responsibility,
        )
        .where(contact_links.c.school_id == school_id)
        .order_by(contact_links.c.pupil_id, contact_links.c.contact_id)
    )
    return Roster(
        school=school,
        people=loaded_people,
        subjects=loaded_subjects,
        classes=loaded_classes,
        registration_groups=tuple(g for g in loaded_groups if g.kind == "registration"),
        other_groups=tuple(g for g in loaded_groups if g.kind != "registration"),
        class_members=tuple(
            Membership(*row) for row in class_rows if row[0] in class_ids and row[1] in roles
        ),
        group_members=tuple(
            Membership(*row) for row in group_rows if row[0] in group_ids and row[1] in roles
        ),
        # The role check keeps a link whose ends were stored the wrong way round from
        # turning a parent into a pupil's "agent" in the wrong direction.
        contact_links=tuple(
            ContactLinkRecord(*row)
            for row in link_rows
            if roles.get(row[0]) == "student" and roles.get(row[1]) == "contact"
        ),
    )
