"""What to do with each MIS class on first connection: *Match* it with a class the product
already has, *Import for the first time*, or take *No action*. Pure.

A pair of classes scores by how many pupils they share (once pupils are resolved to existing
accounts: `pupils.py`), how alike their names are, and whether their codes agree; each
existing class goes to at most one MIS class, the best pairs first. A MIS class with no pair
good enough (`MATCH`) is suggested for import when most of its pupils are new to the product,
and for no action when most already have accounts (they are in other classes here: sets, say).
A person's choice replaces the suggestion.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from schoolsync.model import SchoolClass

Action = Literal["match", "import", "none"]
ACTIONS: tuple[Action, ...] = ("match", "import", "none")
#: the labels schools know from the Wonde Uploader
ACTION_LABELS: dict[Action, str] = {
    "match": "Match",
    "import": "Import for the first time",
    "none": "No action",
}
#: a pair scoring at least this is suggested as a match
MATCH = 0.5


@dataclass(frozen=True, slots=True)
class ExistingClass:
    id: int
    name: str
    code: str | None
    #: the account ids of its pupils
    pupils: frozenset[int]
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    action: Action
    existing_class_id: int | None = None


@dataclass(frozen=True, slots=True)
class ClassRow:
    """One line of the class table."""

    mis_class: SchoolClass
    suggested: Choice
    score: float
    evidence: str
    chosen: Choice
    #: a person changed the suggestion
    changed: bool

    @property
    def key(self) -> str:
        return class_key(self.mis_class)


def class_key(school_class: SchoolClass) -> str:
    """What a person's choice is stored under (the `mis_class_id` of a choices file)."""
    return school_class.mis_id or school_class.source_id


def suggest_classes(
    mis_classes: Sequence[SchoolClass],
    existing: Sequence[ExistingClass],
    links: Mapping[str, int],
    answers: Mapping[str, Choice] | None = None,
) -> list[ClassRow]:
    """`links` are MIS person source ids to the existing accounts they resolved to."""
    answers = answers or {}
    pairs: list[tuple[float, str, int, str]] = []
    # Only classes that share a pupil, or a name or code, are compared: a school has hundreds.
    by_pupil: dict[int, list[ExistingClass]] = defaultdict(list)
    by_label: dict[str, list[ExistingClass]] = defaultdict(list)
    for other in existing:
        for pupil in other.pupils:
            by_pupil[pupil].append(other)
        for label in _labels(other.name, other.code):
            by_label[label].append(other)
    for mis_class in mis_classes:
        mapped = {links[s] for s in mis_class.student_ids if s in links}
        if mapped:
            nearby = {o.id: o for p in mapped for o in by_pupil.get(p, ())}
            for label in _labels(mis_class.name, mis_class.code):
                nearby.update((o.id, o) for o in by_label.get(label, ()))
            others: Iterable[ExistingClass] = nearby.values()
        else:
            others = existing
        for other in others:
            score, evidence = _pair(mis_class, mapped, other)
            if score >= MATCH - 1e-9:
                pairs.append((score, mis_class.source_id, other.id, evidence))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    taken: set[int] = set()
    paired: dict[str, tuple[float, int, str]] = {}
    for score, source_id, other_id, evidence in pairs:
        if source_id not in paired and other_id not in taken:
            taken.add(other_id)
            paired[source_id] = (score, other_id, evidence)
    rows: list[ClassRow] = []
    for mis_class in mis_classes:
        if mis_class.source_id in paired:
            score, other_id, evidence = paired[mis_class.source_id]
            suggested = Choice("match", other_id)
        else:
            score, evidence, suggested = 0.0, *_unpaired(mis_class, links)
        chosen = answers.get(class_key(mis_class), suggested)
        rows.append(ClassRow(mis_class, suggested, score, evidence, chosen, chosen != suggested))
    return rows


def _pair(mis_class: SchoolClass, mapped: set[int], other: ExistingClass) -> tuple[float, str]:
    a, b = _squash(mis_class.name), _squash(other.name)
    name = fuzz.ratio(a, b) / 100 if a and b else 0.0
    code = 1.0 if _labels(mis_class.name, mis_class.code) & _labels(other.name, other.code) else 0.0
    notes = [f"names {round(name * 100)}% alike"]
    if code:
        notes.append("same code")
    if mapped or other.pupils:
        shared = len(mapped & other.pupils)
        # How much of each is in the other: pupils not resolved yet count against neither.
        overlap = (shared / max(len(mapped), 1) + shared / max(len(other.pupils), 1)) / 2
        notes.append(f"{shared} of {len(mis_class.student_ids)} pupils in both")
        return 0.6 * overlap + 0.25 * name + 0.15 * code, ", ".join(notes)
    return 0.6 * name + 0.4 * code, ", ".join(notes)


def _labels(name: str, code: str | None) -> set[str]:
    """A class's name and code, folded: '7x/Ma1' and '7X Ma1' are one label."""
    return {folded for v in (name, code) if v and (folded := _squash(v))}


def _squash(text: str) -> str:
    """A class name without accents, case, spaces or punctuation; digits kept (6H, 7x/Ma1)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.casefold() if c.isalnum())


def _unpaired(mis_class: SchoolClass, links: Mapping[str, int]) -> tuple[str, Choice]:
    pupils = len(mis_class.student_ids)
    known = sum(1 for s in mis_class.student_ids if s in links)
    if pupils and known * 2 >= pupils:
        return (
            f"no class here is like it; {known} of its {pupils} pupils already have accounts "
            "in other classes",
            Choice("none"),
        )
    return (
        f"no class here is like it; {pupils - known} of its {pupils} pupils are new here",
        Choice("import"),
    )
