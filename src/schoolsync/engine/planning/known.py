"""What every stage of planning needs to know about people, worked out once before any of them
runs: which stored id each person has, who is new, who is left alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
    #: `linkable` worked out once for every person known: relations ask ~40,000 times in a
    #: first sync, and each person created is named by one and the same `NewRef`
    links: Mapping[PersonKey, int | NewRef | None] = field(default_factory=dict)

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
        new = frozenset(
            (p.family, p.source_id)
            for p in validated.snapshot.people
            if (p.family, p.source_id) not in matched
        )
        excluded = frozenset(row["id"] for row in current.people if row["excluded"])
        skipped_ids = frozenset(ids[key] for key in validated.skipped_people if key in ids)
        skipped = frozenset(validated.skipped_people)
        links: dict[PersonKey, int | NewRef | None] = {
            key: NewRef(*key) for key in new if key not in ids
        }
        for key, person_id in ids.items():
            untouchable = person_id in excluded or person_id in skipped_ids
            links[key] = None if untouchable else person_id
        for key in skipped:
            links[key] = None
        return cls(
            matched=matched,
            ids=ids,
            new=new,
            excluded=excluded,
            skipped_ids=skipped_ids,
            skipped=skipped,
            links=links,
        )

    def untouchable(self, person_id: int) -> bool:
        return person_id in self.excluded or person_id in self.skipped_ids

    def linkable(self, key: PersonKey) -> int | NewRef | None:
        """How a relation names this person: a stored id, a reference to one this plan
        creates, or None to leave the relation out (left out by validation, excluded by the
        school, or not known at all)."""
        return self.links.get(key)


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
