"""Usernames a source gives (OneRoster's `username`): which of them another user has. Pure.

Most sources give no username and the planner makes one; a username the source does give is
the one the person signs in with, so it must be theirs alone. A person whose username another
active user already has (in the store, or in the same snapshot) is left out with the message
schools know, `User's username is currently in use`, and stays as stored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from schoolsync.engine.identity import PersonKey
from schoolsync.model import Person
from schoolsync.model.current import Row


def own_username(person: Person) -> str | None:
    """The username the source gave this person, if the product should use it: contacts never
    sign in, so they have none."""
    return person.username if person.username and person.role != "contact" else None


def username_clashes(
    people: Sequence[Person], stored_people: Sequence[Row], matched: Mapping[PersonKey, int]
) -> frozenset[PersonKey]:
    """The people whose own username is someone else's."""
    given = [(person, name.lower()) for person in people if (name := own_username(person))]
    in_snapshot = Counter(name for _, name in given)
    holders: dict[str, set[int]] = defaultdict(set)
    for row in stored_people:
        if row["username"] and row["family"] != "contact" and row["status"] == "active":
            holders[row["username"].lower()].add(row["id"])
    clashes: set[PersonKey] = set()
    for person, name in given:
        key: PersonKey = (person.family, person.source_id)
        others = holders.get(name, set()) - {matched.get(key)}
        if in_snapshot[name] > 1 or others:
            clashes.add(key)
    return frozenset(clashes)
