"""What one run does to a school's open issues, as a value the store writes."""

from __future__ import annotations

from dataclasses import dataclass

from schoolsync.model.records import Issue


@dataclass(frozen=True, slots=True)
class Reconciled:
    opened: tuple[Issue, ...]
    #: ids of open issues found again, with the issue as found now (its name may have changed)
    found_again: tuple[tuple[int, Issue], ...]
    resolved: tuple[int, ...]
