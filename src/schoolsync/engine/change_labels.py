"""Changes in words a person recognises: names and MIS ids, never the store's own row ids.
Pure: the names come in as a `Directory`.

A plan's relation changes name their ends by stored row id (`parent_id=16, person_id=87`), or
by source id for a record the same plan creates. `describe` turns either into
"Dan Smith (MIS 5678) in 7A/Ma1 (MIS m1)", for the plan, the holds and a run's changes alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schoolsync.model import Snapshot
from schoolsync.model.changes import Change, plain_values
from schoolsync.model.directory import Directory, Label

__all__ = ["Directory", "Label", "change_mapping", "describe", "with_snapshot"]

#: Relation fields that hold a stored row id, and the kind of record each names.
_ID_FIELDS = {
    "parent_id": "parent",
    "person_id": "person",
    "pupil_id": "person",
    "contact_id": "person",
    "subject_id": "subject",
}
#: Source-id twins of the fields above, for records the same plan creates.
_KEY_FIELDS = ("parent_key", "person_key", "pupil_key", "contact_key", "_subject_key")
_PARENT_OF = {"class_membership": "class", "group_membership": "group"}


def with_snapshot(directory: Directory, snapshot: Snapshot) -> Directory:
    """Add the records a snapshot carries, so changes that create them read by name."""
    new: dict[str, Label] = dict(directory.new)
    for person in snapshot.people:
        new.setdefault(person.source_id, Label(person.display_name, person.mis_id))
    for records in (snapshot.subjects, snapshot.classes, snapshot.groups):
        for record in records:
            new.setdefault(record.source_id, Label(record.name, record.mis_id))
    return Directory(directory.people, directory.structures, new)


@dataclass(frozen=True, slots=True)
class Described:
    entity: str
    kind: str
    name: str
    mis_id: str | None
    before: dict[str, Any]
    after: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "kind": self.kind,
            "name": self.name,
            "mis_id": self.mis_id,
            "before": self.before,
            "after": self.after,
        }

    def values(self, which: dict[str, Any], *, only: Mapping[str, Any] | None = None) -> str:
        """ "field=value, ..." for a table cell; `only` keeps the fields it also has."""
        return ", ".join(
            f"{k}={v}" for k, v in which.items() if k != "status" and (only is None or k in only)
        )


RELATIONS = frozenset({"class_membership", "group_membership", "contact_link"})


def change_mapping(change: Change) -> dict[str, Any]:
    """A planned change in the plain shape `describe` (and the stored holds) use."""
    return {
        "entity": change.entity,
        "kind": change.kind,
        "key": change.key,
        "name": change.name,
        "record_id": change.record_id,
        "before": plain_values(change.before),
        "after": plain_values(change.after),
    }


def describe(change: Mapping[str, Any], directory: Directory) -> Described:
    """`change` as a plain mapping: entity, kind, key, name, record_id, before, after."""
    entity = change["entity"]
    before = dict(change.get("before") or {})
    after = dict(change.get("after") or {})
    values = {**before, **after}
    if entity in RELATIONS:
        name, mis_id = _relation(entity, values, directory)
    else:
        own = _own_label(entity, change.get("record_id"), change.get("key"), directory)
        name = change.get("name") or (own.name if own else "")
        mis_id = values.get("mis_id") or (own.mis_id if own else None)
    parent_kind = _PARENT_OF.get(entity, "class")
    return Described(
        entity,
        change["kind"],
        name,
        mis_id,
        _readable(before, parent_kind, directory),
        _readable(after, parent_kind, directory),
    )


def _relation(entity: str, values: Mapping[str, Any], directory: Directory) -> tuple[str, Any]:
    if entity == "contact_link":
        pupil = _person(values.get("pupil_id"), values.get("pupil_key"), directory)
        contact = _person(values.get("contact_id"), values.get("contact_key"), directory)
        return f"{contact} (contact of {pupil})", contact.mis_id
    person = _person(values.get("person_id"), values.get("person_key"), directory)
    parent = _structure(
        _PARENT_OF[entity], values.get("parent_id"), values.get("parent_key"), directory
    )
    return f"{person} in {parent}", person.mis_id


def _readable(values: Mapping[str, Any], parent_kind: str, directory: Directory) -> dict[str, Any]:
    readable: dict[str, Any] = {}
    for name, value in values.items():
        if name in _KEY_FIELDS:
            continue
        kind = _ID_FIELDS.get(name)
        if kind is None:
            readable[name] = value
            continue
        if kind == "person":
            key = values.get(name.removesuffix("_id") + "_key")
            readable[name.removesuffix("_id")] = str(_person(value, key, directory))
        elif kind == "parent":
            key = values.get("parent_key")
            readable[parent_kind] = str(_structure(parent_kind, value, key, directory))
        else:  # a class's subject, which may be none
            key = values.get("_subject_key")
            label = _structure("subject", value, key, directory) if value or key else None
            readable["subject"] = str(label) if label else None
    return readable


def _person(row_id: Any, key: Any, directory: Directory) -> Label:
    if isinstance(row_id, int) and row_id in directory.people:
        return directory.people[row_id]
    source_id = key[-1] if isinstance(key, list | tuple) and key else key
    if isinstance(source_id, str) and source_id in directory.new:
        return directory.new[source_id]
    return Label("someone not synced yet")


def _structure(kind: str, row_id: Any, key: Any, directory: Directory) -> Label:
    stored = directory.structures.get(kind, {})
    if isinstance(row_id, int) and row_id in stored:
        return stored[row_id]
    if isinstance(key, str) and key in directory.new:
        return directory.new[key]
    return Label(f"a {kind} not synced yet")


def _own_label(entity: str, record_id: Any, key: Any, directory: Directory) -> Label | None:
    table = directory.structures.get(entity) if entity in ("subject", "class", "group") else None
    if table is None:
        table = directory.people
    if isinstance(record_id, int) and record_id in table:
        return table[record_id]
    return directory.new.get(key) if isinstance(key, str) else None
