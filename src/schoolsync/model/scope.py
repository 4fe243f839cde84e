"""The sync scope a school chose in its last manual sync: which subjects and classes come
across (`engine/scope.py` applies it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class ScopeSettings(Protocol):
    """Where a school's settings keep its scope (`SchoolSettings`)."""

    @property
    def scope_subjects(self) -> tuple[str, ...] | None: ...

    @property
    def scope_classes(self) -> tuple[str, ...] | None: ...

    @property
    def scope_known_classes(self) -> tuple[str, ...] | None: ...


@dataclass(frozen=True, slots=True)
class Scope:
    subjects: frozenset[str] | None = None
    classes: frozenset[str] | None = None
    known_classes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, settings: ScopeSettings) -> Scope:
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
