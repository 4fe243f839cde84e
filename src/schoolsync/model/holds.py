"""Holds: planned changes waiting for a person, and a plan parted into "now" and "held"."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from schoolsync.model.changes import Change, Plan

Rule = Literal[
    "subject_gone",
    "class_gone",
    "class_emptied",
    "mass_pupil_leavers",
    "mass_staff_leavers",
    "mass_email_changes",
    "mis_switch",
]
RULES: tuple[Rule, ...] = (
    "subject_gone",
    "class_gone",
    "class_emptied",
    "mass_pupil_leavers",
    "mass_staff_leavers",
    "mass_email_changes",
    "mis_switch",
)


@dataclass(frozen=True, slots=True)
class Dependents:
    """Items the product hangs off a class (homework tasks, say), which go if the class goes."""

    count: int
    label: str

    def describe(self) -> str:
        return f"{self.count} {self.label}"


@dataclass(frozen=True, slots=True)
class Hold:
    rule: Rule
    #: what is held, in words: a class's or subject's name, or "pupils", "staff", "emails"
    #: (the holds table keeps it in its `subject` column)
    target: str
    message: str
    changes: tuple[Change, ...]
    #: what approving would remove, in words ("27 pupils from the class", "5 tasks")
    losses: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        """The same held changes give the same fingerprint from one night to the next."""
        digest = hashlib.sha256(self.rule.encode())
        for change in sorted(self.changes, key=lambda c: (c.entity, c.kind, c.key)):
            digest.update(f"|{change.entity}:{change.kind}:{change.key}".encode())
        return digest.hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Guarded:
    """A plan after the safeguards: what applies now, and what waits for a person (the
    changes of `holds` and, in strict mode, everything else too)."""

    apply_now: Plan
    held_back: Plan
    holds: tuple[Hold, ...]

    @property
    def needs_approval(self) -> bool:
        return bool(self.holds)
