"""The manual sync's choices, without a screen: what is offered, what is chosen to start with,
what an answer means, and the scope and approval that result. Pure.

The CLI's wizard (`cli/manual.py`) asks with Rich prompts, the web wizard with forms; both offer
the same subjects and classes, read answers the same way and save the same scope.

    1. subjects   every subject the MIS sends; chosen: those in the saved scope
    2. classes    the classes of the chosen subjects (and classes with no subject); chosen: those
                  in the scope, and every class of a subject chosen just now
    3. approval   "y" applies the plan as shown; "n" stops; numbers or rule names of holds
                  approve those and leave the rest held
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from typing import Literal, TypeVar

from schoolsync.engine.hold_groups import parse_answer
from schoolsync.engine.safeguard import Hold
from schoolsync.engine.scope import Scope, scope_to_save
from schoolsync.model import SchoolClass, Snapshot, Subject

_Named = TypeVar("_Named", Subject, SchoolClass)


@dataclass(frozen=True, slots=True)
class Option:
    """One subject or class on offer, as a person sees it."""

    source_id: str
    label: str


@dataclass(frozen=True, slots=True)
class Offer:
    """One step's list and what is ticked in it."""

    options: tuple[Option, ...]
    chosen: frozenset[str]


@dataclass(frozen=True, slots=True)
class Toggled:
    """An answer to a step: what is chosen now, and the parts of the answer that meant nothing."""

    chosen: frozenset[str]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Choice:
    subjects: frozenset[str]
    classes: frozenset[str]
    #: every class the MIS sent, chosen or not: one not offered now is not turned down
    offered_classes: frozenset[str]

    def scope(self) -> Scope:
        return Scope(self.subjects, self.classes, self.offered_classes)


@dataclass(frozen=True, slots=True)
class Approval:
    """What an answer to step 3 means.

    `apply`: go on, leaving the holds whose fingerprints are in `keep` held; `stop`: change
    nothing; `detail`: list the holds and ask again; `again`: the answer meant nothing
    (`message` says why) and the question is asked again."""

    action: Literal["apply", "stop", "detail", "again"]
    keep: frozenset[str] = frozenset()
    message: str | None = None


def subjects_offered(snapshot: Snapshot, scope: Scope) -> Offer:
    """Step 1: every subject the MIS sends, by name; those in the scope are chosen."""
    subjects = _by_name(snapshot.subjects)
    return Offer(
        tuple(Option(s.source_id, s.name) for s in subjects),
        frozenset(s.source_id for s in subjects if scope.includes_subject(s.source_id)),
    )


def classes_offered(snapshot: Snapshot, scope: Scope, subjects: Set[str]) -> Offer:
    """Step 2: the classes of the chosen subjects (and those with no subject). A class is chosen
    when the scope has it, or when its subject was only chosen just now."""
    names = {s.source_id: s.name for s in snapshot.subjects}
    classes = [
        c
        for c in _by_name(snapshot.classes)
        if c.subject_source_id in subjects or c.subject_source_id is None
    ]
    return Offer(
        tuple(Option(c.source_id, _class_label(c, names)) for c in classes),
        frozenset(c.source_id for c in classes if _class_in(scope, c, subjects)),
    )


def toggle(offer: Offer, chosen: Set[str], answer: str) -> Toggled:
    """Numbers from the list (e.g. "3,7") switch those items in or out; anything else is named
    as a problem and changes nothing."""
    now = set(chosen)
    problems = []
    for part in answer.replace(" ", "").split(","):
        if part.isdigit() and 1 <= int(part) <= len(offer.options):
            now ^= {offer.options[int(part) - 1].source_id}
        elif part:
            problems.append(f"{part!r} is not a number from the list")
    return Toggled(frozenset(now), tuple(problems))


def choice(snapshot: Snapshot, subjects: Set[str], classes: Set[str]) -> Choice:
    return Choice(
        frozenset(subjects),
        frozenset(classes),
        frozenset(c.source_id for c in snapshot.classes),
    )


def scope_for(
    chosen: Choice, previous: Scope, snapshot: Snapshot, stored_subjects: Set[str]
) -> Scope:
    """The scope to save: what was chosen, plus what was in the scope and is missing from the
    MIS today (it keeps its place and syncs again if it comes back)."""
    offered = {s.source_id for s in snapshot.subjects}
    return scope_to_save(chosen.scope(), previous, offered, set(stored_subjects))


def approval(answer: str, holds: Sequence[Hold]) -> Approval:
    """Step 3's answer: y applies everything, n (or nothing) stops; with holds, "detail" lists
    them and numbers or rule names approve those holds and leave the rest held."""
    text = answer.strip().lower()
    if text in ("y", "yes"):
        return Approval("apply")
    if text in ("", "n", "no"):
        return Approval("stop")
    if not holds:
        return Approval("again", message="Answer y or n")
    if text == "detail":
        return Approval("detail")
    try:
        picked = parse_answer(text, holds)
    except ValueError as exc:
        return Approval("again", message=str(exc))
    return Approval("apply", frozenset(h.fingerprint() for h in picked.left))


def _by_name(items: Sequence[_Named]) -> list[_Named]:
    return sorted(items, key=lambda item: item.name.lower())


def _class_in(scope: Scope, school_class: SchoolClass, chosen: Set[str]) -> bool:
    if scope.subjects is None:
        return True
    return scope.includes_class(school_class.source_id, school_class.subject_source_id) or (
        school_class.subject_source_id in set(chosen) - scope.subjects
    )


def _class_label(school_class: SchoolClass, subject_names: dict[str, str]) -> str:
    subject = subject_names.get(school_class.subject_source_id or "", "no subject")
    return f"{school_class.name} ({subject})"
