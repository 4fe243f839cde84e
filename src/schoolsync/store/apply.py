"""Writing a plan to the store. Never commits: the caller owns the transaction, so a plan is
applied whole or not at all.

Dependency order: subjects, people, classes, groups, then the relations between them; removals
run in reverse (relations first, then the records they hang from). Every change except a
relation being added is also written to `changes` with its values before and after, which is
what makes "nothing is lost" checkable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
import sqlalchemy as sa

from schoolsync.engine.plan import Change, Plan
from schoolsync.model import family_of
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

_PEOPLE = {"student", "teacher", "staff", "contact"}
_MEMBERSHIPS = {
    "class_membership": (class_memberships, "class_id"),
    "group_membership": (group_memberships, "group_id"),
}


def apply_plan(
    conn: sa.Connection, school_id: int, run_id: int, plan: Plan, now: dt.datetime
) -> None:
    todo: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for change in plan.changes:
        entity = "person" if change.entity in _PEOPLE else change.entity
        todo[(entity, change.kind)].append(change)

    def take(entity: str, *kinds: str) -> list[Change]:
        return [c for kind in kinds for c in todo.get((entity, kind), [])]

    stamp = {"school_id": school_id, "created_at": now, "updated_at": now}
    created: dict[str, dict[Any, int]] = {}

    created["subject"] = _create(conn, subjects, take("subject", "create"), stamp, lambda c: c.key)
    _update(conn, subjects, take("subject", "update", "restore"), now)

    person_creates = take("person", "create")
    created["person"] = _create(
        conn,
        people,
        person_creates,
        stamp,
        lambda c: (family_of(c.entity), c.key),
        extra=lambda c: {"family": family_of(c.entity)},
    )
    _update(conn, people, take("person", "update", "restore"), now)

    def with_subject(change: Change) -> Change:
        key = change.after.get("_subject_key")
        if key is None:
            return change
        after = {k: v for k, v in change.after.items() if k != "_subject_key"}
        after["subject_id"] = created["subject"][key]
        return Change(
            change.entity,
            change.kind,
            change.key,
            change.name,
            change.record_id,
            after,
            change.before,
        )

    class_creates = [with_subject(c) for c in take("class", "create")]
    created["class"] = _create(conn, classes, class_creates, stamp, lambda c: c.key)
    _update(conn, classes, [with_subject(c) for c in take("class", "update", "restore")], now)
    created["group"] = _create(conn, groups, take("group", "create"), stamp, lambda c: c.key)
    _update(conn, groups, take("group", "update", "restore"), now)

    for entity, (table, parent_column) in _MEMBERSHIPS.items():
        parents = created[entity.removesuffix("_membership")]
        rows = [
            {
                "school_id": school_id,
                parent_column: c.after["parent_id"] or parents[c.after["parent_key"]],
                "person_id": c.after["person_id"]
                or created["person"][tuple(c.after["person_key"])],
                "role": c.after["role"],
            }
            for c in take(entity, "add")
        ]
        _insert(conn, table, rows)

    link_adds = [
        {
            "school_id": school_id,
            **{k: v for k, v in c.after.items() if not k.endswith("_key")},
            "pupil_id": c.after["pupil_id"] or created["person"][("pupil", c.after["pupil_key"])],
            "contact_id": c.after["contact_id"]
            or created["person"][("contact", c.after["contact_key"])],
        }
        for c in take("contact_link", "add")
    ]
    _insert(conn, contact_links, link_adds)
    link_updates = take("contact_link", "update")
    if link_updates:
        fields = [k for k in link_updates[0].after if k not in ("pupil_id", "contact_id")]
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
                for c in link_updates
            ],
        )

    # Removals, in reverse dependency order.
    removed_links = take("contact_link", "remove")
    if removed_links:
        conn.execute(
            sa.delete(contact_links)
            .where(contact_links.c.pupil_id == sa.bindparam("k_pupil"))
            .where(contact_links.c.contact_id == sa.bindparam("k_contact")),
            [
                {"k_pupil": c.before["pupil_id"], "k_contact": c.before["contact_id"]}
                for c in removed_links
            ],
        )
    for entity, (table, parent_column) in _MEMBERSHIPS.items():
        removed = take(entity, "remove")
        if removed:
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
    _update(conn, groups, take("group", "delete"), now)
    _update(conn, classes, take("class", "delete"), now)
    _update(conn, subjects, take("subject", "delete"), now)
    _update(conn, people, take("person", "leave"), now, left_at=now)

    _log(conn, school_id, run_id, plan.changes, created)


def _create(
    conn: sa.Connection,
    table: sa.Table,
    creates: Sequence[Change],
    stamp: Mapping[str, Any],
    key_of: Any,
    extra: Any = None,
) -> dict[Any, int]:
    """Insert new rows and return their ids by key, in one round of statements."""
    if not creates:
        return {}
    rows = [{**stamp, **(extra(c) if extra else {}), **c.after} for c in creates]
    if conn.dialect.name == "postgresql" and len(rows) >= _COPY_FROM:
        return _copy_returning_ids(conn, table, creates, rows, key_of)
    result = conn.execute(
        sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    ids = [row[0] for row in result]
    return {key_of(c): row_id for c, row_id in zip(creates, ids, strict=True)}


def _copy_returning_ids(
    conn: sa.Connection,
    table: sa.Table,
    creates: Sequence[Change],
    rows: list[dict[str, Any]],
    key_of: Any,
) -> dict[Any, int]:
    """COPY the rows, then read back their ids: the school's lock means every row of this
    school above the previous highest id is one of ours."""
    school_id = rows[0]["school_id"]
    before = conn.execute(
        sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)).where(
            table.c.school_id == school_id
        )
    ).scalar_one()
    _copy(conn, table, rows)
    key_columns = [table.c.source_id, *([table.c.family] if "family" in table.c else [])]
    found = conn.execute(
        sa.select(table.c.id, *key_columns).where(
            table.c.school_id == school_id, table.c.id > before
        )
    )
    by_row_key = {tuple(row[1:]): row[0] for row in found}
    ids: dict[Any, int] = {}
    for change, row in zip(creates, rows, strict=True):
        row_key = (row["source_id"], *([row["family"]] if "family" in row else []))
        ids[key_of(change)] = by_row_key[row_key]
    return ids


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
    created: Mapping[str, Mapping[Any, int]],
) -> None:
    rows = []
    for change in plan_changes:
        if change.kind == "add":
            continue  # counted on the run; a relation being added loses nothing
        record_id = change.record_id
        if change.kind == "create":
            if change.entity in _PEOPLE:
                record_id = created["person"].get((family_of(change.entity), change.key))  # type: ignore[arg-type]
            else:
                record_id = created.get(change.entity, {}).get(change.key)
        rows.append(
            {
                "run_id": run_id,
                "school_id": school_id,
                "entity": change.entity,
                "kind": change.kind,
                "record_id": record_id,
                "source_id": change.key[:64],
                "before": _jsonable(change.before) if change.before else None,
                "after": _jsonable(change.after) if change.after else None,
            }
        )
    _insert(conn, changes_table, rows)


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in values.items()
        if not key.startswith("_")
    }
