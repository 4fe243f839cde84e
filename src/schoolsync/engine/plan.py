"""Planning: the difference between a validated snapshot and the store, as a list of changes.
Pure: the store's rows and "now" come in as arguments.

Change kinds, per entity:
- people: `create`, `update` (field-level before/after), `leave` (status `left`: never deleted),
  `restore` (a leaver who came back);
- subjects, classes, groups: `create`, `update`, `delete` (status `deleted`: the row stays),
  `restore`;
- class and group memberships, contact links: `add`, `remove`, `update` (links only).

A complete snapshot (full sync) treats absence as "gone"; an incomplete one (incremental) only
learns of departures from its deletions. Records left out by validation, and people the school
excluded, are left exactly as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from schoolsync.engine.identity import PersonKey, match_people, match_structures
from schoolsync.engine.usernames import own_username
from schoolsync.engine.validate import Validated
from schoolsync.model import ContactLink, Snapshot
from schoolsync.model.changes import Change, NewRef, Plan
from schoolsync.model.current import (
    CLASS_FIELDS,
    GROUP_FIELDS,
    LINK_FIELDS,
    PERSON_FIELDS,
    SUBJECT_FIELDS,
    Current,
    Row,
    class_values,
    group_values,
    person_values,
    subject_values,
)

__all__ = ["Change", "Plan", "make_plan", "username_base"]


def make_plan(
    validated: Validated, current: Current, matched: Mapping[PersonKey, int] | None = None
) -> Plan:
    """`matched` is `identity.match_people` of the snapshot's people, if already worked out."""
    return _Planner(validated, current, matched).plan()


class _Planner:
    def __init__(
        self, validated: Validated, current: Current, matched: Mapping[PersonKey, int] | None
    ) -> None:
        self.snapshot: Snapshot = validated.snapshot
        self.validated = validated
        self.current = current
        self.changes: list[Change] = []
        self.people_by_id = {row["id"]: row for row in current.people}
        self.matched: Mapping[PersonKey, int] = (
            matched
            if matched is not None
            else match_people(
                self.snapshot.people,
                current.people,
                self.snapshot.contact_links,
                current.contact_links.keys(),
            )
        )
        # Every stored source id resolves, so relations can name people this fetch did not
        # return (an incremental sync sends only what changed).
        self.person_ids: dict[PersonKey, int] = {
            (row["family"], row["source_id"]): row["id"]
            for row in current.people
            if row["source_id"]
        }
        self.person_ids.update(self.matched)
        self.excluded = {row["id"] for row in current.people if row["excluded"]}
        self.skipped_ids = {
            self.person_ids[key] for key in validated.skipped_people if key in self.person_ids
        }
        self.new_keys: set[PersonKey] = {
            (p.family, p.source_id)
            for p in self.snapshot.people
            if (p.family, p.source_id) not in self.matched
        }
        self.leaving_ids: set[int] = set()
        self.warned = {i.source_id for i in validated.issues if i.severity == "warning"}
        owned = self.snapshot.person_fields
        self.person_fields = tuple(f for f in PERSON_FIELDS if owned is None or f in owned)
        self.usernames: set[str] = {
            row["username"].lower() for row in current.people if row["username"]
        }
        #: stored ids of the classes and groups this plan deletes
        self.deleted_ids: dict[str, set[int]] = {"class": set(), "group": set()}

    def plan(self) -> Plan:
        covers = self.snapshot.covers
        # Dependency order: subjects before the classes that name them; people and structures
        # before the relations between them. Apply follows the same order, removals reversed.
        subject_ids = self._structures(
            "subject",
            self.snapshot.subjects,
            self.current.subjects,
            SUBJECT_FIELDS,
            lambda s: subject_values(s),
            "subject" in covers,
        )
        self._people(covers)
        class_ids = self._structures(
            "class",
            self.snapshot.classes,
            self.current.classes,
            CLASS_FIELDS,
            lambda c: self._class_values(c, subject_ids),
            "class" in covers,
            skipped=self.validated.skipped_classes,
        )
        group_ids = self._structures(
            "group",
            self.snapshot.groups,
            self.current.groups,
            GROUP_FIELDS,
            lambda g: group_values(g),
            "group" in covers,
        )
        if "class" in covers:
            self._memberships(
                "class_membership",
                class_ids,
                self.current.class_members,
                ((c.source_id, "pupil", c.student_ids, "student") for c in self.snapshot.classes),
                (
                    (c.source_id, "employee", c.teacher_ids, "teacher")
                    for c in self.snapshot.classes
                ),
            )
        if "group" in covers:
            self._memberships(
                "group_membership",
                group_ids,
                self.current.group_members,
                ((g.source_id, "pupil", g.student_ids, "student") for g in self.snapshot.groups),
                (
                    (g.source_id, "employee", g.employee_ids, "employee")
                    for g in self.snapshot.groups
                ),
            )
        if "contact_link" in covers:
            self._contact_links()
        return Plan(tuple(self.changes))

    # --- people -------------------------------------------------------------------------

    def _people(self, covers: frozenset[str]) -> None:
        seen: set[int] = set()
        for person in self.snapshot.people:
            key = (person.family, person.source_id)
            row_id = self.matched.get(key)
            values = person_values(person)
            entity = person.role
            if row_id is None:
                values["username"] = self._new_username(person)
                self.changes.append(
                    Change(entity, "create", person.source_id, person.display_name, None, values)
                )
                continue
            seen.add(row_id)
            if row_id in self.excluded:
                continue
            row = self.people_by_id[row_id]
            fields = self.person_fields
            if person.unreadable:
                fields = tuple(f for f in fields if f not in person.unreadable)
            if person.source_id in self.warned:
                # A warning means a value was dropped: an empty value from this person's
                # record is "could not read", not "cleared in the MIS".
                fields = tuple(f for f in fields if values[f] is not None or row[f] is None)
            before, after = _differences(row, values, fields)
            username = own_username(person)
            if username is not None:
                if username != row["username"]:
                    before["username"], after["username"] = row["username"], username
            elif (
                "email" in after
                and after["email"]
                and (row["username"] is None or row["username"] == row["email"])
            ):
                # A username that was the email follows it (validation made sure it is free).
                before["username"], after["username"] = row["username"], after["email"]
            if row["status"] != "active":
                before["status"], after["status"] = row["status"], "active"
                self.changes.append(
                    Change(
                        entity,
                        "restore",
                        person.source_id,
                        person.display_name,
                        row_id,
                        after,
                        before,
                    )
                )
            elif after:
                self.changes.append(
                    Change(
                        entity,
                        "update",
                        person.source_id,
                        person.display_name,
                        row_id,
                        after,
                        before,
                    )
                )

        gone = self._gone_people(seen, covers)
        self.leaving_ids = {row["id"] for row in gone}
        for row in gone:
            self.changes.append(
                Change(
                    row["role"],
                    "leave",
                    row["source_id"] or "",
                    _name(row),
                    row["id"],
                    {"status": "left"},
                    {"status": row["status"]},
                )
            )

    def _new_username(self, person: Any) -> str | None:
        if person.role == "contact":
            return None
        given = own_username(person)
        if given is not None and given.lower() not in self.usernames:
            username: str = given
        elif person.email:
            username = person.email
        else:
            base = username_base(person.forename, person.surname)
            username, suffix = base, 1
            while username in self.usernames:
                suffix += 1
                username = f"{base}{suffix}"
        self.usernames.add(username.lower())
        return username

    def _gone_people(self, seen: set[int], covers: frozenset[str]) -> list[Row]:
        candidates = [
            row
            for row in self.current.people
            if row["status"] == "active"
            and row["source_id"] is not None
            and row["family"] in covers
            and row["id"] not in self.excluded
            and row["id"] not in self.skipped_ids
        ]
        if self.snapshot.complete:
            return [row for row in candidates if row["id"] not in seen]
        deleted = {
            (_PERSON_DELETION_FAMILY[d.kind], d.source_id)
            for d in self.snapshot.deletions
            if d.kind in _PERSON_DELETION_FAMILY
        }
        return [
            row
            for row in candidates
            if (row["family"], row["source_id"]) in deleted and row["id"] not in seen
        ]

    # --- subjects, classes, groups --------------------------------------------------------

    def _structures(
        self,
        entity: str,
        records: Sequence[Any],
        rows: Sequence[Row],
        fields: Sequence[str],
        values_of: Any,
        covered: bool,
        skipped: frozenset[str] = frozenset(),
    ) -> dict[str, int | None]:
        """Plan one kind of structure; returns source id -> stored id (None: created now)."""
        matched = match_structures(((r.source_id, r.mis_id) for r in records), rows)
        by_id = {row["id"]: row for row in rows}
        ids: dict[str, int | None] = {
            row["source_id"]: row["id"] for row in rows if row["source_id"]
        }
        seen: set[int] = set()
        for record in records:
            values = values_of(record)
            row_id = matched.get(record.source_id)
            if row_id is None:
                ids[record.source_id] = None
                self.changes.append(
                    Change(entity, "create", record.source_id, record.name, None, values)
                )
                continue
            ids[record.source_id] = row_id
            seen.add(row_id)
            row = by_id[row_id]
            before, after = _differences(row, values, fields)
            if row["status"] != "active":
                before["status"], after["status"] = row["status"], "active"
                self.changes.append(
                    Change(entity, "restore", record.source_id, record.name, row_id, after, before)
                )
            elif after:
                self.changes.append(
                    Change(entity, "update", record.source_id, record.name, row_id, after, before)
                )
        if not covered:
            return ids
        if self.snapshot.complete:
            gone = [row for row in rows if row["id"] not in seen]
        else:
            deleted = {d.source_id for d in self.snapshot.deletions if d.kind == entity}
            gone = [row for row in rows if row["source_id"] in deleted and row["id"] not in seen]
        for row in gone:
            if row["status"] == "active" and row["source_id"] not in skipped:
                self.changes.append(
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
                if entity in self.deleted_ids:
                    self.deleted_ids[entity].add(row["id"])
        return ids

    def _class_values(
        self, school_class: Any, subject_ids: Mapping[str, int | None]
    ) -> dict[str, Any]:
        subject_key = school_class.subject_source_id
        subject_id: int | NewRef | None = subject_ids.get(subject_key) if subject_key else None
        if subject_key and subject_key in subject_ids and subject_id is None:
            subject_id = NewRef("subject", subject_key)  # a subject this plan creates
        return class_values(school_class, subject_id)

    # --- relations ------------------------------------------------------------------------

    def _memberships(
        self,
        entity: str,
        parent_ids: Mapping[str, int | None],
        existing: frozenset[tuple[int, int, str]],
        *member_lists: Iterable[tuple[str, str, Sequence[str], str]],
    ) -> None:
        """Replace the member list of every parent this snapshot sent; drop the members of
        parents that are gone and of people who leave."""
        parent_kind = entity.removesuffix("_membership")
        sent_parents: set[int] = set()
        wanted: set[tuple[int, int, str]] = set()
        for members in member_lists:
            for parent_key, family, source_ids, role in members:
                if parent_key not in parent_ids:
                    continue  # left out by validation
                parent_id = parent_ids[parent_key]
                if parent_id is not None:
                    sent_parents.add(parent_id)
                for source_id in source_ids:
                    person_key: PersonKey = (family, source_id)  # type: ignore[assignment]
                    person_id = self._linkable(person_key)
                    if person_id is False:
                        continue
                    if parent_id is not None and person_id is not None:
                        wanted.add((parent_id, person_id, role))
                        continue
                    self.changes.append(
                        Change(
                            entity,
                            "add",
                            f"{parent_key}/{source_id}",
                            "",
                            None,
                            {
                                "parent_id": (
                                    parent_id
                                    if parent_id is not None
                                    else NewRef(parent_kind, parent_key)
                                ),
                                "person_id": (
                                    person_id if person_id is not None else NewRef(*person_key)
                                ),
                                "role": role,
                            },
                        )
                    )
        for parent_id, person_id, role in sorted(wanted - existing):
            self.changes.append(
                Change(
                    entity,
                    "add",
                    f"{parent_id}/{person_id}",
                    "",
                    None,
                    {"parent_id": parent_id, "person_id": person_id, "role": role},
                )
            )
        for parent_id, person_id, role in sorted(existing - wanted):
            if person_id in self.excluded or person_id in self.skipped_ids:
                continue
            if (
                parent_id in sent_parents
                or parent_id in self.deleted_ids[entity.removesuffix("_membership")]
                or person_id in self.leaving_ids
            ):
                self.changes.append(
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

    def _linkable(self, person_key: PersonKey) -> int | bool | None:
        """The stored id of a member; None for one this plan creates; False to leave it out
        (left out by validation, excluded by the school, or not known at all)."""
        if person_key in self.validated.skipped_people:
            return False
        person_id = self.person_ids.get(person_key)
        if person_id is None:
            return None if person_key in self.new_keys else False
        if person_id in self.excluded or person_id in self.skipped_ids:
            return False
        return person_id

    def _contact_links(self) -> None:
        # A pupil's contacts come with the pupil, so every pupil sent has its whole list here.
        sent_pupils: set[int] = {
            row_id
            for (family, _), row_id in self.matched.items()
            if family == "pupil" and row_id not in self.excluded and row_id not in self.skipped_ids
        }
        wanted: dict[tuple[int, int], tuple[Any, ...]] = {}
        for link in self.snapshot.contact_links:
            pupil_id = self._linkable(("pupil", link.pupil_source_id))
            contact_id = self._linkable(("contact", link.contact_source_id))
            if pupil_id is False or contact_id is False:
                continue
            values = _link_values(link)
            if isinstance(pupil_id, int):
                sent_pupils.add(pupil_id)
                if isinstance(contact_id, int):
                    wanted[(pupil_id, contact_id)] = values
                    continue
            self.changes.append(
                Change(
                    "contact_link",
                    "add",
                    f"{link.pupil_source_id}/{link.contact_source_id}",
                    "",
                    None,
                    {
                        "pupil_id": (
                            pupil_id
                            if pupil_id is not None
                            else NewRef("pupil", link.pupil_source_id)
                        ),
                        "contact_id": (
                            contact_id
                            if contact_id is not None
                            else NewRef("contact", link.contact_source_id)
                        ),
                        **dict(zip(LINK_FIELDS, values, strict=True)),
                    },
                )
            )
        existing = self.current.contact_links
        for pair, values in sorted(wanted.items()):
            old = existing.get(pair)
            after = {
                "pupil_id": pair[0],
                "contact_id": pair[1],
                **dict(zip(LINK_FIELDS, values, strict=True)),
            }
            if old is None:
                self.changes.append(
                    Change("contact_link", "add", f"{pair[0]}/{pair[1]}", "", None, after)
                )
            elif old != values:
                before = {
                    "pupil_id": pair[0],
                    "contact_id": pair[1],
                    **dict(zip(LINK_FIELDS, old, strict=True)),
                }
                self.changes.append(
                    Change(
                        "contact_link", "update", f"{pair[0]}/{pair[1]}", "", None, after, before
                    )
                )
        for pair in sorted(set(existing) - set(wanted)):
            if (
                pair[0] in sent_pupils
                or pair[0] in self.leaving_ids
                or (pair[1] in self.leaving_ids)
            ):
                self.changes.append(
                    Change(
                        "contact_link",
                        "remove",
                        f"{pair[0]}/{pair[1]}",
                        "",
                        None,
                        {},
                        {
                            "pupil_id": pair[0],
                            "contact_id": pair[1],
                            **dict(zip(LINK_FIELDS, existing[pair], strict=True)),
                        },
                    )
                )


_PERSON_DELETION_FAMILY = {"student": "pupil", "employee": "employee", "contact": "contact"}


def _differences(
    row: Row, values: Mapping[str, Any], fields: Sequence[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in fields:
        new = values[name]
        old = row[name]
        if old != new:
            before[name] = old
            after[name] = new
    return before, after


def _link_values(link: ContactLink) -> tuple[Any, ...]:
    return (link.relationship, link.priority, link.parental_responsibility, link.lives_with_pupil)


def _name(row: Row) -> str:
    return f"{row['forename']} {row['surname']}".strip()


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def username_base(forename: str, surname: str) -> str:
    """'Siân O'Connor-Smith' -> 'soconnorsmith': ASCII, lower case, no punctuation."""

    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        ascii_text = decomposed.encode("ascii", "ignore").decode().lower()
        return _NON_ALNUM.sub("", ascii_text)

    base = fold(forename)[:1] + fold(surname)
    return base or "user"
