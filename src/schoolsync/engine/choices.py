"""The manual sync's choices, without a screen: what is offered, what is chosen to start with,
what an answer means, and the scope and approval that result. Pure.

The CLI's wizard (`cli/manual.py`) asks with Rich prompts, the web wizard (`web/manual_page.py`,
through `services/manual.py`) with forms; both offer the same subjects and classes, read answers
the same way and save the same scope.

    1. subjects   every subject the MIS sends; chosen: those in the saved scope
    2. classes    the classes of the chosen subjects (and classes with no subject); chosen: those
                  in the scope, and every class of a subject chosen just now
    3. approval   "y" applies the plan as shown; "n" stops; numbers or rule names of holds
                  approve those and leave the rest held
"""

from __future__ import annotations

from collections.abc import Collection, Sequence, Set
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
    #: the subject's or class's own name ("7A/Ma1")
    name: str
    #: what a list says: the name, and for a class its subject ("7A/Ma1 (Maths)")
    label: str
    #: a class's subject (source id and name; "" for a class of no subject) and year group,
    #: which the web wizard filters by
    subject_id: str = ""
    subject: str = ""
    year: str = ""


@dataclass(frozen=True, slots=True)
class Offer:
    """One step's list, what is ticked in it, and what the saved scope synced before (a subject
    chosen just now ticks its classes, which were not synced before)."""

    options: tuple[Option, ...]
    chosen: frozenset[str]
    synced: frozenset[str] = frozenset()


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
    synced = frozenset(s.source_id for s in subjects if scope.includes_subject(s.source_id))
    return Offer(tuple(Option(s.source_id, s.name, s.name) for s in subjects), synced, synced)


def classes_offered(snapshot: Snapshot, scope: Scope, subjects: Collection[str]) -> Offer:
    """Step 2: the classes of the chosen subjects (and those with no subject). A class is chosen
    when the scope has it, or when its subject was only chosen just now."""
    names = {s.source_id: s.name for s in snapshot.subjects}
    classes = [
        c
        for c in _by_name(snapshot.classes)
        if c.subject_source_id in subjects or c.subject_source_id is None
    ]
    return Offer(
        tuple(_class_option(c, names) for c in classes),
        frozenset(c.source_id for c in classes if _class_in(scope, c, subjects)),
        frozenset(c.source_id for c in classes if _class_in(scope, c, ())),
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


def choice(snapshot: Snapshot, subjects: Collection[str], classes: Collection[str]) -> Choice:
    """What was chosen, of what the MIS offers: a web form can be edited, and an id the MIS did
    not offer never reaches the saved scope."""
    offered_classes = frozenset(c.source_id for c in snapshot.classes)
    return Choice(
        frozenset(subjects) & {s.source_id for s in snapshot.subjects},
        frozenset(classes) & offered_classes,
        offered_classes,
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


def _class_in(scope: Scope, school_class: SchoolClass, chosen: Collection[str]) -> bool:
    if scope.subjects is None:
        return True
    return scope.includes_class(school_class.source_id, school_class.subject_source_id) or (
        school_class.subject_source_id in set(chosen) - scope.subjects
    )


def _class_option(school_class: SchoolClass, subject_names: dict[str, str]) -> Option:
    subject = subject_names.get(school_class.subject_source_id or "", "")
    return Option(
        school_class.source_id,
        school_class.name,
        f"{school_class.name} ({subject or 'no subject'})",
        subject_id=school_class.subject_source_id or "",
        subject=subject,
        year=school_class.year_group or "",
    )
