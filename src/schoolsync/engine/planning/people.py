"""Planning people: create, update, restore (a leaver who came back) and leave. People are
never deleted: a leaver's status becomes `left`."""

from __future__ import annotations

from dataclasses import dataclass

from schoolsync.engine.planning.known import KnownPeople, differences
from schoolsync.engine.username_patterns import make_username
from schoolsync.engine.usernames import own_username
from schoolsync.engine.validate import Validated
from schoolsync.model import Person
from schoolsync.model.changes import Change, ChangeKind
from schoolsync.model.current import PERSON_FIELDS, Current, Row, person_values

_PERSON_DELETION_FAMILY = {"student": "pupil", "employee": "employee", "contact": "contact"}


@dataclass(frozen=True, slots=True)
class PeoplePlan:
    changes: tuple[Change, ...]
    #: stored ids of the people who leave: their places and links go with them
    leaving: frozenset[int]


def plan_people(
    validated: Validated, current: Current, known: KnownPeople, username_pattern: str
) -> PeoplePlan:
    snapshot = validated.snapshot
    by_id = {row["id"]: row for row in current.people}
    warned = {i.source_id for i in validated.issues if i.severity == "warning"}
    owned = snapshot.person_fields
    synced_fields = tuple(f for f in PERSON_FIELDS if owned is None or f in owned)
    usernames = _Usernames(
        {row["username"].lower() for row in current.people if row["username"]}, username_pattern
    )
    changes: list[Change] = []
    seen: set[int] = set()
    for person in snapshot.people:
        row_id = known.matched.get((person.family, person.source_id))
        values = person_values(person)
        if row_id is None:
            values["username"] = usernames.new(person)
            changes.append(
                Change(person.role, "create", person.source_id, person.display_name, None, values)
            )
            continue
        seen.add(row_id)
        if row_id in known.excluded:
            continue
        row = by_id[row_id]
        fields = synced_fields
        if person.unreadable:
            fields = tuple(f for f in fields if f not in person.unreadable)
        if person.source_id in warned:
            # A warning means a value was dropped: an empty value from this person's
            # record is "could not read", not "cleared in the MIS".
            fields = tuple(f for f in fields if values[f] is not None or row[f] is None)
        before, after = differences(row, values, fields)
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
        kind: ChangeKind
        if row["status"] != "active":
            before["status"], after["status"] = row["status"], "active"
            kind = "restore"
        elif after:
            kind = "update"
        else:
            continue
        changes.append(
            Change(person.role, kind, person.source_id, person.display_name, row_id, after, before)
        )

    gone = _gone_people(validated, current, known, seen)
    for row in gone:
        changes.append(
            Change(
                row["role"],
                "leave",
                row["source_id"] or "",
                f"{row['forename']} {row['surname']}".strip(),
                row["id"],
                {"status": "left"},
                {"status": row["status"]},
            )
        )
    return PeoplePlan(tuple(changes), frozenset(row["id"] for row in gone))


def _gone_people(
    validated: Validated, current: Current, known: KnownPeople, seen: set[int]
) -> list[Row]:
    snapshot = validated.snapshot
    candidates = [
        row
        for row in current.people
        if row["status"] == "active"
        and row["source_id"] is not None
        and row["family"] in snapshot.covers
        and row["role"] not in snapshot.roles_left_alone
        and not known.untouchable(row["id"])
    ]
    if snapshot.complete:
        return [row for row in candidates if row["id"] not in seen]
    deleted = {
        (_PERSON_DELETION_FAMILY[d.kind], d.source_id)
        for d in snapshot.deletions
        if d.kind in _PERSON_DELETION_FAMILY
    }
    return [
        row
        for row in candidates
        if (row["family"], row["source_id"]) in deleted and row["id"] not in seen
    ]


class _Usernames:
    """The usernames taken so far (lower case), so every new user gets a free one."""

    def __init__(self, taken: set[str], pattern: str) -> None:
        self.taken = taken
        self.pattern = pattern

    def new(self, person: Person) -> str | None:
        if person.role == "contact":
            return None
        given = own_username(person)
        if given is not None and given.lower() not in self.taken:
            username: str = given
        elif person.email:
            username = person.email
        else:
            username = make_username(
                self.pattern,
                person.forename,
                person.surname,
                person.source_id,
                lambda name: name.lower() in self.taken,
            )
        self.taken.add(username.lower())
        return username
