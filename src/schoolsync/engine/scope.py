"""The sync scope a school chose in its last manual sync: which subjects and classes come
across. Pure.

With no scope (the default) everything comes across. Once chosen, only the chosen subjects
and classes do; a class that appears later in a chosen subject joins by itself (it was never
offered, so it was never turned down), while a new subject waits to be chosen.

Only what a person turned down stays out. A subject or class that was in scope and is missing
from the MIS when the scope is chosen (its removal is what was approved) keeps its place, so it
syncs again if it comes back.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from schoolsync.model import Snapshot
from schoolsync.model.scope import Scope

__all__ = ["Scope", "apply_scope", "describe_scope", "scope_to_save"]


def scope_to_save(
    chosen: Scope,
    previous: Scope,
    offered_subjects: Collection[str],
    stored_subjects: Collection[str],
) -> Scope:
    """The scope a manual sync saves: what the person chose among what the MIS offered, plus
    what was in scope before and was not offered now (not turned down, only absent)."""
    if chosen.subjects is None:
        return chosen
    absent = frozenset(
        s for s in stored_subjects if s not in offered_subjects and previous.includes_subject(s)
    )
    classes = chosen.classes
    known = chosen.known_classes
    if previous.classes is not None and classes is not None:
        classes = classes | (previous.classes - known)
        known = known | (previous.known_classes - known)
    return Scope(chosen.subjects | absent, classes, known)


def describe_scope(
    scope: Scope, subject_names: Mapping[str, str], class_names: Mapping[str, str]
) -> list[str]:
    """The scope in words, with names (ids only for what was never synced), for a person."""
    if scope.subjects is None:
        return ["everything in the MIS (no manual sync has chosen a scope)"]

    def named(ids: Collection[str], names: Mapping[str, str]) -> str:
        listed = sorted((names.get(i, f"{i} (never synced)") for i in ids), key=str.lower)
        return ", ".join(listed) if listed else "none"

    left_out = [s for s in subject_names if s not in scope.subjects]
    lines = [
        f"subjects synced ({len(scope.subjects)}): {named(scope.subjects, subject_names)}",
        f"subjects left out ({len(left_out)}): {named(left_out, subject_names)}",
    ]
    if scope.classes is not None:
        turned_down = scope.known_classes - scope.classes
        lines.append(
            f"classes left out of those subjects ({len(turned_down)}): "
            f"{named(turned_down, class_names)}"
        )
    lines.append(
        "new classes of synced subjects join by themselves; a new subject waits for a manual "
        "sync (`--reset-scope` syncs everything again)"
    )
    return lines


def apply_scope(snapshot: Snapshot, scope: Scope) -> Snapshot:
    if scope.subjects is None:
        return snapshot
    return replace(
        snapshot,
        subjects=tuple(s for s in snapshot.subjects if scope.includes_subject(s.source_id)),
        classes=tuple(
            c for c in snapshot.classes if scope.includes_class(c.source_id, c.subject_source_id)
        ),
    )
