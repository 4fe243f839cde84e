"""Writing a plan to the store. Never commits: the caller owns the transaction, so a plan is
applied whole or not at all.

Creates and updates are written stage by stage in the model's dependency `ORDER` (subjects,
people, classes, groups, then the relations between them); removals run in reverse (relations
first, then the records they hang from). A value naming a record the same plan creates (a
`NewRef`) becomes that record's new id once it is written. Every change except a relation being
added is also written to `changes` with its values before and after, which is what makes
"nothing is lost" checkable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
import sqlalchemy as sa

from schoolsync.model import family_of
from schoolsync.model.changes import ORDER, REFERENCES, Change, NewRef, Plan, Stage
from schoolsync.store.tables import (
    changes as changes_table,
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

_RECORDS: dict[Stage, sa.Table] = {
    "subject": subjects,
    "person": people,
    "class": classes,
    "group": groups,
}
_MEMBERSHIPS: dict[Stage, tuple[sa.Table, str]] = {
    "class_membership": (class_memberships, "class_id"),
    "group_membership": (group_memberships, "group_id"),
}
#: the stored ids of the records this plan created, by how the plan named them: a `NewRef`'s
#: (kind, source_id), since a plain tuple hashes and compares without a Python call and a
#: first sync looks up ~40,000 of them
Created = dict[tuple[str, str], int]


def apply_plan(
    conn: sa.Connection, school_id: int, run_id: int, plan: Plan, now: dt.datetime
) -> None:
    todo: dict[tuple[Stage, str], list[Change]] = defaultdict(list)
    stages: dict[str, Stage] = {}  # each entity's stage, worked out once
    for change in plan.changes:
        stage = stages.get(change.entity)
        if stage is None:
            stage = stages[change.entity] = change.stage
        todo[(stage, change.kind)].append(change)

    def take(stage: Stage, *kinds: str) -> list[Change]:
        return [c for kind in kinds for c in todo.get((stage, kind), [])]

    stamp = {"school_id": school_id, "created_at": now, "updated_at": now}
    created: Created = {}
    for stage in ORDER:
        if stage in _RECORDS:
            table = _RECORDS[stage]
            creates = [_resolved(c, created) for c in take(stage, "create")]
            created.update(_create(conn, table, creates, stamp))
            updates = [_resolved(c, created) for c in take(stage, "update", "restore")]
            _update(conn, table, updates, now)
        elif stage in _MEMBERSHIPS:
            _add_members(conn, school_id, stage, take(stage, "add"), created)
        else:
            _add_links(conn, school_id, take(stage, "add"), created)
            _update_links(conn, take(stage, "update"))
    for stage in reversed(ORDER):
        if stage in _RECORDS:
            kind = "leave" if stage == "person" else "delete"
            left_at = now if stage == "person" else None
            _update(conn, _RECORDS[stage], take(stage, kind), now, left_at=left_at)
        elif stage in _MEMBERSHIPS:
            _remove_members(conn, stage, take(stage, "remove"))
        else:
            _remove_links(conn, take(stage, "remove"))

    _log(conn, school_id, run_id, plan.changes, created)


def _resolved(change: Change, created: Created) -> Change:
    """`change` with each `NewRef` among its values replaced by the id just created."""
    refs = [name for name in REFERENCES.get(change.stage, ()) if name in change.after]
    if not any(isinstance(change.after[name], NewRef) for name in refs):
        return change
    after = {**change.after, **{name: _id(change.after[name], created) for name in refs}}
    return Change(
        change.entity,
        change.kind,
        change.key,
        change.name,
        change.record_id,
        after,
        change.before,
    )


def _id(value: int | NewRef, created: Created) -> int:
    return created[(value.kind, value.source_id)] if isinstance(value, NewRef) else value


def _add_members(
    conn: sa.Connection, school_id: int, stage: Stage, adds: Sequence[Change], created: Created
) -> None:
    table, parent_column = _MEMBERSHIPS[stage]
    rows = [
        {
            "school_id": school_id,
            parent_column: _id(c.after["parent_id"], created),
            "person_id": _id(c.after["person_id"], created),
            "role": c.after["role"],
        }
        for c in adds
    ]
    _insert(conn, table, rows)


def _remove_members(conn: sa.Connection, stage: Stage, removed: Sequence[Change]) -> None:
    if not removed:
        return
    table, parent_column = _MEMBERSHIPS[stage]
    conn.execute(
        sa.delete(table)
        .where(table.c[parent_column] == sa.bindparam("k_parent"))
        .where(table.c.person_id == sa.bindparam("k_person"))
        .where(table.c.role == sa.bindparam("k_role")),
        [
            {
                "k_parent": c.before["parent_id"],
                "k_person": c.before["person_id"],
                "k_role": c.before["role"],
            }
            for c in removed
        ],
    )


def _add_links(
    conn: sa.Connection, school_id: int, adds: Sequence[Change], created: Created
) -> None:
    rows = [
        {
            "school_id": school_id,
            **c.after,
            "pupil_id": _id(c.after["pupil_id"], created),
            "contact_id": _id(c.after["contact_id"], created),
        }
        for c in adds
    ]
    _insert(conn, contact_links, rows)


def _update_links(conn: sa.Connection, updates: Sequence[Change]) -> None:
    if not updates:
        return
    fields = [k for k in updates[0].after if k not in ("pupil_id", "contact_id")]
    conn.execute(
        sa.update(contact_links)
        .where(contact_links.c.pupil_id == sa.bindparam("k_pupil"))
        .where(contact_links.c.contact_id == sa.bindparam("k_contact"))
        .values({f: sa.bindparam(f"v_{f}") for f in fields}),
        [
            {
                "k_pupil": c.after["pupil_id"],
                "k_contact": c.after["contact_id"],
                **{f"v_{f}": c.after[f] for f in fields},
            }
            for c in updates
        ],
    )


def _remove_links(conn: sa.Connection, removed: Sequence[Change]) -> None:
    if not removed:
        return
    conn.execute(
        sa.delete(contact_links)
        .where(contact_links.c.pupil_id == sa.bindparam("k_pupil"))
        .where(contact_links.c.contact_id == sa.bindparam("k_contact")),
        [{"k_pupil": c.before["pupil_id"], "k_contact": c.before["contact_id"]} for c in removed],
    )


def _create(
    conn: sa.Connection, table: sa.Table, creates: Sequence[Change], stamp: Mapping[str, Any]
) -> Created:
    """Insert new rows in bulk, then read back their ids: the school's lock means every row of
    this school above its previous highest id is one of ours, and ids rise in the order the
    rows went in. (An INSERT ... RETURNING in parameter order runs row by row on SQLite: a
    first sync's 6,000 people and classes cost a statement each.)"""
    if not creates:
        return {}
    rows = [{**stamp, **_family(table, c), **c.after} for c in creates]
    school_id = rows[0]["school_id"]
    before = conn.execute(
        sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)).where(
            table.c.school_id == school_id
        )
    ).scalar_one()
    _insert(conn, table, rows)
    ids = conn.execute(
        sa.select(table.c.id)
        .where(table.c.school_id == school_id, table.c.id > before)
        .order_by(table.c.id)
    ).scalars()
    return {_ref_key(change): row_id for change, row_id in zip(creates, ids, strict=True)}


def _ref_key(change: Change) -> tuple[str, str]:
    """The `Created` key of the record a create makes (see `Change.new_ref`)."""
    ref = change.new_ref()
    return (ref.kind, ref.source_id)


def _family(table: sa.Table, change: Change) -> dict[str, Any]:
    """A person's family is stored beside the role: people are matched within it."""
    return {"family": family_of(change.entity)} if table is people else {}  # type: ignore[arg-type]


def _update(
    conn: sa.Connection,
    table: sa.Table,
    updates: Sequence[Change],
    now: dt.datetime,
    left_at: dt.datetime | None = None,
) -> None:
    """Changed fields only; rows changing the same set of fields share one statement."""
    by_fields: dict[tuple[str, ...], list[Change]] = defaultdict(list)
    for change in updates:
        by_fields[tuple(sorted(change.after))].append(change)
    for names, batch in by_fields.items():
        values: dict[str, Any] = {name: sa.bindparam(f"v_{name}") for name in names}
        values["updated_at"] = sa.bindparam("v_updated_at")
        if left_at is not None:
            values["left_at"] = sa.bindparam("v_left_at")
        statement = sa.update(table).where(table.c.id == sa.bindparam("k_id")).values(values)
        conn.execute(
            statement,
            [
                {
                    "k_id": c.record_id,
                    "v_updated_at": now,
                    "v_left_at": left_at,
                    **{f"v_{name}": c.after[name] for name in names},
                }
                for c in batch
            ],
        )


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql" and len(rows) >= _COPY_FROM:
        _copy(conn, table, rows)
    else:
        conn.execute(sa.insert(table), rows)


#: From this many rows PostgreSQL gets them by COPY: a first sync writes ~40,000 relation and
#: history rows, and row-by-row INSERTs spend most of its time waiting on the server.
_COPY_FROM = 200


def _copy(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """COPY rows in on the connection's own transaction (all or nothing with the rest)."""
    columns = [c for c in table.columns if c.name in rows[0]]
    as_json = {c.name for c in columns if isinstance(c.type, sa.JSON)}
    names = ", ".join(f'"{c.name}"' for c in columns)
    driver = conn.connection.driver_connection
    assert driver is not None
    with (
        driver.cursor() as cursor,
        cursor.copy(
            f'COPY "{table.name}" ({names}) FROM STDIN'  # names come from our own table
        ) as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    orjson.dumps(row[c.name]).decode()
                    if c.name in as_json and row[c.name] is not None
                    else row[c.name]
                    for c in columns
                ]
            )


def _log(
    conn: sa.Connection,
    school_id: int,
    run_id: int,
    plan_changes: Iterable[Change],
    created: Created,
) -> None:
    rows = []
    for change in plan_changes:
        if change.kind == "add" and not _joins_class(change):
            continue  # counted on the run; a relation being added loses nothing
        record_id = change.record_id
        if change.kind == "create":
            record_id = created.get(_ref_key(change))
        rows.append(
            {
                "run_id": run_id,
                "school_id": school_id,
                "entity": change.entity,
                "kind": change.kind,
                "record_id": record_id,
                "source_id": change.key[:64],
                "before": _jsonable(change.before, created) if change.before else None,
                "after": _jsonable(change.after, created) if change.after else None,
            }
        )
    _insert(conn, changes_table, rows)


def _joins_class(change: Change) -> bool:
    """A person already synced joining a class: their page's history says so. A new person's
    first classes are part of their arrival (and would double a first sync's log)."""
    return change.entity == "class_membership" and not isinstance(
        change.after.get("person_id"), NewRef
    )


def _jsonable(values: Mapping[str, Any], created: Created) -> dict[str, Any]:
    return {
        key: (
            value.isoformat()
            if isinstance(value, dt.date)
            else created.get((value.kind, value.source_id))
            if isinstance(value, NewRef)
            else value
        )
        for key, value in values.items()
    }
