"""The sync scope a school chose in its last manual sync: which subjects and classes come
across. Pure.

With no scope (the default) everything comes across. Once chosen, only the chosen subjects
and classes do; a class that appears later in a chosen subject joins by itself (it was never
offered, so it was never turned down), while a new subject waits to be chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from schoolsync.model import Snapshot
from schoolsync.school_settings import SchoolSettings


@dataclass(frozen=True, slots=True)
class Scope:
    subjects: frozenset[str] | None = None
    classes: frozenset[str] | None = None
    known_classes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, settings: SchoolSettings) -> Scope:
        def maybe(values: tuple[str, ...] | None) -> frozenset[str] | None:
            return frozenset(values) if values is not None else None

        return cls(
            maybe(settings.scope_subjects),
            maybe(settings.scope_classes),
            frozenset(settings.scope_known_classes or ()),
        )

    def includes_subject(self, source_id: str | None) -> bool:
        return self.subjects is None or source_id in self.subjects

    def includes_class(self, source_id: str, subject_source_id: str | None) -> bool:
        if self.subjects is None:
            return True
        if subject_source_id is not None and subject_source_id not in self.subjects:
            return False
        if self.classes is None or source_id in self.classes:
            return True
        return source_id not in self.known_classes and subject_source_id is not None


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
