"""Planning subjects, classes and groups: create, update, restore, and delete (the status
becomes `deleted`; the row stays)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from schoolsync.engine.identity import match_structures
from schoolsync.engine.planning.known import differences
from schoolsync.model import SchoolClass, Snapshot
from schoolsync.model.changes import Change, NewRef
from schoolsync.model.current import Row, class_values


class Structure(Protocol):
    @property
    def source_id(self) -> str: ...

    @property
    def mis_id(self) -> str | None: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True, slots=True)
class StructurePlan:
    changes: tuple[Change, ...]
    #: source id -> how relations name it: a stored id, or a reference to one created now
    ids: Mapping[str, int | NewRef]
    #: stored ids of the structures this plan deletes: their members go with them
    deleted: frozenset[int]


def plan_structures(
    entity: str,
    snapshot: Snapshot,
    records: Sequence[Structure],
    rows: Sequence[Row],
    fields: Sequence[str],
    values_of: Callable[[Any], dict[str, Any]],
    skipped: frozenset[str] = frozenset(),
    relinked: Mapping[str, int] | None = None,
) -> StructurePlan:
    """Plan one kind of structure against its stored rows. `relinked` (after an MIS switch)
    is the whole matching, source id to stored row, instead of matching by ids."""
    matched = (
        dict(relinked)
        if relinked is not None
        else match_structures(((r.source_id, r.mis_id) for r in records), rows)
    )
    by_id = {row["id"]: row for row in rows}
    ids: dict[str, int | NewRef] = {row["source_id"]: row["id"] for row in rows if row["source_id"]}
    changes: list[Change] = []
    seen: set[int] = set()
    for record in records:
        values = values_of(record)
        row_id = matched.get(record.source_id)
        if row_id is None:
            ids[record.source_id] = NewRef(entity, record.source_id)
            changes.append(Change(entity, "create", record.source_id, record.name, None, values))
            continue
        ids[record.source_id] = row_id
        seen.add(row_id)
        row = by_id[row_id]
        before, after = differences(row, values, list(fields))
        if row["status"] != "active":
            before["status"], after["status"] = row["status"], "active"
            changes.append(
                Change(entity, "restore", record.source_id, record.name, row_id, after, before)
            )
        elif after:
            changes.append(
                Change(entity, "update", record.source_id, record.name, row_id, after, before)
            )
    deleted: set[int] = set()
    if entity in snapshot.covers:
        for row in _gone(entity, snapshot, rows, seen):
            if row["status"] == "active" and row["source_id"] not in skipped:
                changes.append(
                    Change(
                        entity,
                        "delete",
                        row["source_id"] or "",
                        row["name"],
                        row["id"],
                        {"status": "deleted"},
                        {"status": "active"},
                    )
                )
                ids.pop(row["source_id"], None)
                deleted.add(row["id"])
    return StructurePlan(tuple(changes), ids, frozenset(deleted))


def _gone(entity: str, snapshot: Snapshot, rows: Sequence[Row], seen: set[int]) -> list[Row]:
    if snapshot.complete:
        # A row no source ever sent (a class the product had before its MIS link, left alone
        # on first connection) is not the MIS's to remove.
        return [row for row in rows if row["id"] not in seen and row["source_id"] is not None]
    deleted = {d.source_id for d in snapshot.deletions if d.kind == entity}
    return [row for row in rows if row["source_id"] in deleted and row["id"] not in seen]


def class_values_with(
    subject_ids: Mapping[str, int | NewRef],
) -> Callable[[SchoolClass], dict[str, Any]]:
    """A class's stored values, its subject named as the subjects' stage planned it."""

    def values(school_class: SchoolClass) -> dict[str, Any]:
        key = school_class.subject_source_id
        return class_values(school_class, subject_ids.get(key) if key else None)

    return values
