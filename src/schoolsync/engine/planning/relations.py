"""Planning relations: class and group memberships (add, remove) and contact links (add,
update, remove). A relation names each end by stored id, or by a `NewRef` to a record the same
plan creates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from schoolsync.engine.identity import PersonKey
from schoolsync.engine.planning.known import KnownPeople
from schoolsync.model import ContactLink, Snapshot
from schoolsync.model.changes import Change, NewRef
from schoolsync.model.current import LINK_FIELDS, Current

#: (parent source id, members' family, members' source ids, their role in the parent)
Members = tuple[str, str, Sequence[str], str]


def class_members(snapshot: Snapshot) -> list[Members]:
    return [
        *((c.source_id, "pupil", c.student_ids, "student") for c in snapshot.classes),
        *((c.source_id, "employee", c.teacher_ids, "teacher") for c in snapshot.classes),
    ]


def group_members(snapshot: Snapshot) -> list[Members]:
    return [
        *((g.source_id, "pupil", g.student_ids, "student") for g in snapshot.groups),
        *((g.source_id, "employee", g.employee_ids, "employee") for g in snapshot.groups),
    ]


def plan_memberships(
    entity: str,
    parent_ids: Mapping[str, int | NewRef],
    stored: frozenset[tuple[int, int, str]],
    members: Iterable[Members],
    known: KnownPeople,
    deleted_parents: frozenset[int],
) -> list[Change]:
    """Replace the member list of every parent this snapshot sent; drop the members of
    parents that are gone and of people who leave."""
    changes: list[Change] = []
    sent_parents: set[int] = set()
    wanted: set[tuple[int, int, str]] = set()
    linkable = known.links.get  # `known.linkable`, without a call per member
    for parent_key, family, source_ids, role in members:
        if parent_key not in parent_ids:
            continue  # left out by validation
        parent_id = parent_ids[parent_key]
        if isinstance(parent_id, int):
            sent_parents.add(parent_id)
        for source_id in source_ids:
            person_key: PersonKey = (family, source_id)  # type: ignore[assignment]
            person_id = linkable(person_key)
            if person_id is None:
                continue
            if isinstance(parent_id, int) and isinstance(person_id, int):
                wanted.add((parent_id, person_id, role))
                continue
            changes.append(
                Change(
                    entity,
                    "add",
                    f"{parent_key}/{source_id}",
                    "",
                    None,
                    {"parent_id": parent_id, "person_id": person_id, "role": role},
                )
            )
    for parent_id, person_id, role in sorted(wanted - stored):
        changes.append(
            Change(
                entity,
                "add",
                f"{parent_id}/{person_id}",
                "",
                None,
                {"parent_id": parent_id, "person_id": person_id, "role": role},
            )
        )
    for parent_id, person_id, role in sorted(stored - wanted):
        if known.untouchable(person_id):
            continue
        if parent_id in sent_parents or parent_id in deleted_parents or person_id in known.leaving:
            changes.append(
                Change(
                    entity,
                    "remove",
                    f"{parent_id}/{person_id}",
                    "",
                    None,
                    {},
                    {"parent_id": parent_id, "person_id": person_id, "role": role},
                )
            )
    return changes


def plan_contact_links(snapshot: Snapshot, current: Current, known: KnownPeople) -> list[Change]:
    # A pupil's contacts come with the pupil, so every pupil sent has its whole list here.
    sent_pupils: set[int] = {
        row_id
        for (family, _), row_id in known.matched.items()
        if family == "pupil" and not known.untouchable(row_id)
    }
    changes: list[Change] = []
    wanted: dict[tuple[int, int], tuple[Any, ...]] = {}
    for link in snapshot.contact_links:
        pupil_id = known.linkable(("pupil", link.pupil_source_id))
        contact_id = known.linkable(("contact", link.contact_source_id))
        if pupil_id is None or contact_id is None:
            continue
        values = _link_values(link)
        if isinstance(pupil_id, int):
            sent_pupils.add(pupil_id)
            if isinstance(contact_id, int):
                wanted[(pupil_id, contact_id)] = values
                continue
        changes.append(
            Change(
                "contact_link",
                "add",
                f"{link.pupil_source_id}/{link.contact_source_id}",
                "",
                None,
                {"pupil_id": pupil_id, "contact_id": contact_id, **_named(values)},
            )
        )
    stored = current.contact_links
    for pair, values in sorted(wanted.items()):
        old = stored.get(pair)
        ends = {"pupil_id": pair[0], "contact_id": pair[1]}
        key = f"{pair[0]}/{pair[1]}"
        if old is None:
            changes.append(Change("contact_link", "add", key, "", None, {**ends, **_named(values)}))
        elif old != values:
            changes.append(
                Change(
                    "contact_link",
                    "update",
                    key,
                    "",
                    None,
                    {**ends, **_named(values)},
                    {**ends, **_named(old)},
                )
            )
    for pair in sorted(set(stored) - set(wanted)):
        if pair[0] in sent_pupils or pair[0] in known.leaving or pair[1] in known.leaving:
            changes.append(
                Change(
                    "contact_link",
                    "remove",
                    f"{pair[0]}/{pair[1]}",
                    "",
                    None,
                    {},
                    {"pupil_id": pair[0], "contact_id": pair[1], **_named(stored[pair])},
                )
            )
    return changes


def _link_values(link: ContactLink) -> tuple[Any, ...]:
    return (link.relationship, link.priority, link.parental_responsibility, link.lives_with_pupil)


def _named(values: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(LINK_FIELDS, values, strict=True))
