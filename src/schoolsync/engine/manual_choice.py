"""What a manual sync offers and what the person's choice means, shared by the CLI's prompts
and the web wizard. Pure.

Step 1 offers the MIS's subjects, ticked as the saved scope has them; step 2 offers the classes
of the chosen subjects (and those with no subject); the choice becomes the scope to save."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from schoolsync.engine.scope import Scope, scope_to_save
from schoolsync.model import SchoolClass, Snapshot, Subject


@dataclass(frozen=True, slots=True)
class Choice:
    subjects: frozenset[str]
    classes: frozenset[str]
    offered_classes: frozenset[str]

    def scope(self) -> Scope:
        return Scope(self.subjects, self.classes, self.offered_classes)


def subjects_offered(snapshot: Snapshot) -> list[Subject]:
    return sorted(snapshot.subjects, key=lambda s: s.name.lower())


def subjects_chosen(snapshot: Snapshot, scope: Scope) -> set[str]:
    """The subjects ticked at first: those the saved scope syncs."""
    return {s.source_id for s in snapshot.subjects if scope.includes_subject(s.source_id)}


def classes_offered(snapshot: Snapshot, chosen_subjects: Collection[str]) -> list[SchoolClass]:
    """The classes step 2 offers: those of a chosen subject, and those with no subject."""
    return sorted(
        (
            c
            for c in snapshot.classes
            if c.subject_source_id in chosen_subjects or c.subject_source_id is None
        ),
        key=lambda c: c.name.lower(),
    )


def classes_chosen(
    classes: Iterable[SchoolClass], scope: Scope, chosen_subjects: Collection[str]
) -> set[str]:
    """The classes ticked at first: in the saved scope, or of a subject chosen just now."""
    return {c.source_id for c in classes if class_in(scope, c, chosen_subjects)}


def class_in(scope: Scope, school_class: SchoolClass, chosen: Collection[str]) -> bool:
    if scope.subjects is None:
        return True
    return scope.includes_class(school_class.source_id, school_class.subject_source_id) or (
        school_class.subject_source_id in set(chosen) - scope.subjects
    )


def class_label(school_class: SchoolClass, subjects: Sequence[Subject]) -> str:
    names = {s.source_id: s.name for s in subjects}
    subject = names.get(school_class.subject_source_id or "", "no subject")
    return f"{school_class.name} ({subject})"


def scope_of_choice(
    snapshot: Snapshot,
    subjects: Collection[str],
    classes: Collection[str],
    previous: Scope,
    stored_subjects: Collection[str],
) -> Scope:
    """The scope to save from what was ticked (anything not offered by the MIS is ignored)."""
    offered_subjects = {s.source_id for s in snapshot.subjects}
    offered_classes = {c.source_id for c in snapshot.classes}
    choice = Choice(
        frozenset(subjects) & offered_subjects,
        frozenset(classes) & offered_classes,
        frozenset(offered_classes),
    )
    return scope_to_save(choice.scope(), previous, offered_subjects, stored_subjects)
