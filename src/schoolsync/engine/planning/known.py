"""What every stage of planning needs to know about people, worked out once before any of them
runs: which stored id each person has, who is new, who is left alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from schoolsync.engine.identity import PersonKey
from schoolsync.engine.validate import Validated
from schoolsync.model.changes import NewRef
from schoolsync.model.current import Current, Row


@dataclass(frozen=True, slots=True)
class KnownPeople:
    #: the snapshot's people matched to stored rows
    matched: Mapping[PersonKey, int]
    #: every stored person by (family, source id), and the matched ones: relations can name
    #: people this fetch did not return (an incremental sync sends only what changed)
    ids: Mapping[PersonKey, int]
    #: people the plan creates
    new: frozenset[PersonKey]
    #: stored people the school excluded, and those validation left out: left as they are
    excluded: frozenset[int]
    skipped_ids: frozenset[int]
    skipped: frozenset[PersonKey]
    #: stored people who leave in this plan (the people stage's output)
    leaving: frozenset[int] = frozenset()

    @classmethod
    def of(
        cls, validated: Validated, current: Current, matched: Mapping[PersonKey, int]
    ) -> KnownPeople:
        ids: dict[PersonKey, int] = {
            (row["family"], row["source_id"]): row["id"]
            for row in current.people
            if row["source_id"]
        }
        ids.update(matched)
        return cls(
            matched=matched,
            ids=ids,
            new=frozenset(
                (p.family, p.source_id)
                for p in validated.snapshot.people
                if (p.family, p.source_id) not in matched
            ),
            excluded=frozenset(row["id"] for row in current.people if row["excluded"]),
            skipped_ids=frozenset(ids[key] for key in validated.skipped_people if key in ids),
            skipped=frozenset(validated.skipped_people),
        )

    def untouchable(self, person_id: int) -> bool:
        return person_id in self.excluded or person_id in self.skipped_ids

    def linkable(self, key: PersonKey) -> int | NewRef | None:
        """How a relation names this person: a stored id, a reference to one this plan
        creates, or None to leave the relation out (left out by validation, excluded by the
        school, or not known at all)."""
        if key in self.skipped:
            return None
        person_id = self.ids.get(key)
        if person_id is None:
            return NewRef(*key) if key in self.new else None
        return None if self.untouchable(person_id) else person_id


def differences(
    row: Row, values: Mapping[str, object], fields: tuple[str, ...] | list[str]
) -> tuple[dict[str, object], dict[str, object]]:
    """(before, after) for the fields whose stored value differs."""
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for name in fields:
        new = values[name]
        old = row[name]
        if old != new:
            before[name] = old
            after[name] = new
    return before, after
