"""Changes and plans: what a sync would write, as values. The planner makes them, the safeguards
sort them into "now" and "held", the store writes them.

`ORDER` is the one statement of the dependency order between the kinds of record: a subject
before the classes that name it, people and structures before the relations between them.
Planning emits changes in this order and the store writes creates and updates in it, removals
in reverse (relations first, then the records they hang from).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from schoolsync.model.records import family_of

ChangeKind = Literal["create", "update", "leave", "restore", "delete", "add", "remove"]

Stage = Literal[
    "subject", "person", "class", "group", "class_membership", "group_membership", "contact_link"
]
ORDER: tuple[Stage, ...] = (
    "subject",
    "person",
    "class",
    "group",
    "class_membership",
    "group_membership",
    "contact_link",
)
#: The values of each stage that name another record: its stored id, or a `NewRef` to one the
#: same plan creates. Only these are ever references.
REFERENCES: dict[Stage, tuple[str, ...]] = {
    "class": ("subject_id",),
    "class_membership": ("parent_id", "person_id"),
    "group_membership": ("parent_id", "person_id"),
    "contact_link": ("pupil_id", "contact_id"),
}
#: A change's entity names the person's role ("student", "contact"); they share one stage.
PERSON_ENTITIES = frozenset({"student", "teacher", "staff", "contact"})


def stage_of(entity: str) -> Stage:
    if entity in PERSON_ENTITIES:
        return "person"
    if entity not in ORDER:
        raise ValueError(f"no stage for entity {entity!r}")
    return entity


@dataclass(frozen=True)  # no slots: orjson writes a dataclass with a __dict__ 2x faster
class NewRef:
    """A record the same plan creates, standing where its stored id will be once written.

    `kind` is "subject", "class" or "group", or a person's family ("pupil", "employee",
    "contact"): a source id is unique only within its kind.

    A first sync's plan holds ~35,000 of them and its digest writes each one; the planner
    makes one per record created and shares it.
    """

    kind: str
    source_id: str


@dataclass(frozen=True, slots=True)
class Change:
    """One change to one record or relation.

    `record_id` is the stored row (None for a create). A value that names another record (a
    class's `subject_id`, a membership's `parent_id` and `person_id`) is its stored id, or a
    `NewRef` to a record this same plan creates.
    """

    entity: str
    kind: ChangeKind
    key: str
    name: str
    record_id: int | None = None
    after: Mapping[str, Any] = field(default_factory=dict)
    before: Mapping[str, Any] = field(default_factory=dict)

    @property
    def stage(self) -> Stage:
        return stage_of(self.entity)

    def new_ref(self) -> NewRef:
        """How other changes of the plan name the record this create makes."""
        kind = family_of(self.entity) if self.entity in PERSON_ENTITIES else self.entity  # type: ignore[arg-type]
        return NewRef(kind, self.key)


def plain_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with each `NewRef` spelled as JSON can hold it: `parent_id: None` beside
    `parent_key: "K9"` (a person's key as `[family, source_id]`), the shape stored holds and
    the change descriptions have always used."""
    plain: dict[str, Any] = {}
    for name, value in values.items():
        if not isinstance(value, NewRef):
            plain[name] = value
            continue
        plain[name] = None
        if name == "subject_id":
            plain["_subject_key"] = value.source_id
        elif name == "person_id":
            plain["person_key"] = [value.kind, value.source_id]
        else:
            plain[name.removesuffix("_id") + "_key"] = value.source_id
    return plain


@dataclass(frozen=True, slots=True)
class Plan:
    changes: tuple[Change, ...]

    def counts(self) -> dict[str, dict[str, int]]:
        # One Counter over (entity, kind) pairs counts a first sync's 40,000 changes in C.
        tally = Counter((change.entity, change.kind) for change in self.changes)
        by_entity: dict[str, dict[str, int]] = {}
        for (entity, kind), count in tally.items():
            by_entity.setdefault(entity, {})[kind] = count
        return dict(sorted(by_entity.items()))

    def split(self, held: Iterable[Change]) -> tuple[Plan, Plan]:
        """(the rest, the held): this plan's changes parted by whether they are in `held`, each
        part in plan order. Changes are compared as the same objects: two equal changes of one
        plan are still two changes."""
        taken = {id(change) for change in held}
        rest = tuple(c for c in self.changes if id(c) not in taken)
        kept = tuple(c for c in self.changes if id(c) in taken)
        return Plan(rest), Plan(kept)

    def __len__(self) -> int:
        return len(self.changes)
