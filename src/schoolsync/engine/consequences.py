"""What else must wait when a change is held. Pure.

A held change leaves its record exactly as the store has it, so every change planned on the
assumption that it happens must wait with it, or the store ends up half way:

- a person who does not leave keeps their class places, group places and contact links;
- a pupil who does not leave keeps their contacts: a contact who would leave at the same time
  (a broken export loses pupils and, with them, their parents) stays until the pupil's leave
  is decided, and keeps their links too;
- a class or group that is not deleted keeps its members; a subject that is not deleted keeps
  its classes (and so their members);
- an email or username a held change would free is still taken, so no other change may take it.

The rules follow each other: a held subject holds its classes, which hold their members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from schoolsync.model.changes import Change
from schoolsync.model.current import Current

_PEOPLE = frozenset({"student", "teacher", "staff", "contact"})
_MEMBERSHIP_OF = {"class": "class_membership", "group": "group_membership"}


def consequences(
    changes: Sequence[Change], held: Iterable[Change], current: Current
) -> tuple[Change, ...]:
    """The changes among `changes` that follow from the `held` ones, directly or through one
    another, in plan order; the held changes themselves are not included."""
    index = _Index(changes, current)
    waiting = {id(change) for change in held}
    queue = list(held)
    while queue:
        change = queue.pop()
        for follower in index.followers(change):
            if id(follower) not in waiting:
                waiting.add(id(follower))
                queue.append(follower)
    held_ids = {id(change) for change in held}
    return tuple(c for c in changes if id(c) in waiting and id(c) not in held_ids)


class _Index:
    """The plan's changes by the record they touch, so each rule is a look-up."""

    def __init__(self, changes: Sequence[Change], current: Current) -> None:
        self.leaves: dict[int, Change] = {}
        self.deletes: dict[tuple[str, int], Change] = {}
        #: (entity, "person_id" | "parent_id" | "pupil_id" | "contact_id", id) -> removals
        self.removals: dict[tuple[str, str, int], list[Change]] = defaultdict(list)
        #: lower-cased email or username -> changes that would give it to someone
        self.takers: dict[str, list[Change]] = defaultdict(list)
        for change in changes:
            self._add(change)
        self.contacts_of: dict[int, list[int]] = defaultdict(list)
        for pupil_id, contact_id in current.contact_links:
            self.contacts_of[pupil_id].append(contact_id)
        self.classes_of: dict[int, list[int]] = defaultdict(list)
        for row in current.classes:
            if row["subject_id"] is not None:
                self.classes_of[row["subject_id"]].append(row["id"])

    def _add(self, change: Change) -> None:
        if change.record_id is not None and change.kind == "leave":
            self.leaves[change.record_id] = change
        elif change.record_id is not None and change.kind == "delete":
            self.deletes[(change.entity, change.record_id)] = change
        elif change.kind == "remove":
            for end in ("person_id", "parent_id", "pupil_id", "contact_id"):
                record_id = change.before.get(end)
                if record_id is not None:
                    self.removals[(change.entity, end, record_id)].append(change)
        if change.entity in _PEOPLE and change.kind in ("create", "update", "restore"):
            for name in ("email", "username"):
                value = change.after.get(name)
                if value:
                    self.takers[str(value).lower()].append(change)

    def followers(self, change: Change) -> list[Change]:
        """The changes that may only happen if `change` does."""
        found: list[Change] = []
        record_id = change.record_id
        if change.entity in _PEOPLE and change.kind == "leave" and record_id is not None:
            for entity in ("class_membership", "group_membership"):
                found += self.removals.get((entity, "person_id", record_id), ())
            found += self.removals.get(("contact_link", "pupil_id", record_id), ())
            found += self.removals.get(("contact_link", "contact_id", record_id), ())
            if change.entity == "student":
                contacts = (self.leaves.get(c) for c in self.contacts_of.get(record_id, ()))
                found += [leave for leave in contacts if leave is not None]
        elif change.kind == "delete" and record_id is not None:
            if change.entity in _MEMBERSHIP_OF:
                entity = _MEMBERSHIP_OF[change.entity]
                found += self.removals.get((entity, "parent_id", record_id), ())
            elif change.entity == "subject":
                classes = (self.deletes.get(("class", c)) for c in self.classes_of[record_id])
                found += [delete for delete in classes if delete is not None]
        if change.entity in _PEOPLE and change.kind == "update":
            for name in ("email", "username"):
                freed = change.before.get(name)
                if freed and name in change.after:
                    found += [c for c in self.takers.get(str(freed).lower(), ()) if c is not change]
        return found
