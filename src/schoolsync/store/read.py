"""Loading what the store holds for one school, in the shape the planner compares."""

from __future__ import annotations

import sqlalchemy as sa

from schoolsync.model.current import (
    CLASS_FIELDS,
    GROUP_FIELDS,
    LINK_FIELDS,
    PERSON_FIELDS,
    SUBJECT_FIELDS,
    Current,
)
from schoolsync.store.tables import (
    class_memberships,
    classes,
    contact_links,
    group_memberships,
    groups,
    people,
    subjects,
)

_PERSON_COLUMNS = ("id", "family", "status", "excluded", "username", *PERSON_FIELDS)


def load_current(conn: sa.Connection, school_id: int) -> Current:
    def rows(table: sa.Table, names: tuple[str, ...]) -> tuple[dict[str, object], ...]:
        columns = [table.c[name] for name in names]
        result = conn.execute(sa.select(*columns).where(table.c.school_id == school_id))
        return tuple(dict(zip(names, row, strict=True)) for row in result)

    link_columns = [contact_links.c[name] for name in LINK_FIELDS]
    links = conn.execute(
        sa.select(contact_links.c.pupil_id, contact_links.c.contact_id, *link_columns).where(
            contact_links.c.school_id == school_id
        )
    )
    return Current(
        people=rows(people, _PERSON_COLUMNS),
        subjects=rows(subjects, ("id", "status", *SUBJECT_FIELDS)),
        classes=rows(classes, ("id", "status", *CLASS_FIELDS)),
        groups=rows(groups, ("id", "status", *GROUP_FIELDS)),
        class_members=frozenset(
            (r[0], r[1], r[2])
            for r in conn.execute(
                sa.select(
                    class_memberships.c.class_id,
                    class_memberships.c.person_id,
                    class_memberships.c.role,
                ).where(class_memberships.c.school_id == school_id)
            )
        ),
        group_members=frozenset(
            (r[0], r[1], r[2])
            for r in conn.execute(
                sa.select(
                    group_memberships.c.group_id,
                    group_memberships.c.person_id,
                    group_memberships.c.role,
                ).where(group_memberships.c.school_id == school_id)
            )
        ),
        contact_links={(r[0], r[1]): tuple(r[2:]) for r in links},
    )
