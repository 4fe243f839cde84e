"""The names behind a school's stored ids, so changes read by name and MIS id."""

from __future__ import annotations

import sqlalchemy as sa

from schoolsync.model.directory import Directory, Label
from schoolsync.store.tables import classes, groups, people, subjects


def load_directory(conn: sa.Connection, school_id: int) -> Directory:
    found = conn.execute(
        sa.select(people.c.id, people.c.forename, people.c.surname, people.c.mis_id).where(
            people.c.school_id == school_id
        )
    )
    named = {
        row_id: Label(f"{forename} {surname}".strip(), mis_id)
        for row_id, forename, surname, mis_id in found
    }

    def structures(table: sa.Table) -> dict[int, Label]:
        rows = conn.execute(
            sa.select(table.c.id, table.c.name, table.c.mis_id).where(
                table.c.school_id == school_id
            )
        )
        return {row_id: Label(name, mis_id) for row_id, name, mis_id in rows}

    return Directory(
        named,
        {
            "subject": structures(subjects),
            "class": structures(classes),
            "group": structures(groups),
        },
    )
