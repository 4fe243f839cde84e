"""A run that synced nobody of a role (every teacher rejected by the email domain, say) must say
so loudly: a count of issues at the bottom of a table is easy to miss. Pure."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from schoolsync.model import ROLES, Issue

#: Issue entity types (as the issues CSV writes them) and the roles the store counts.
_PLURALS = {"student": "pupils", "teacher": "teachers", "staff": "staff", "contact": "contacts"}


@dataclass(frozen=True, slots=True)
class RoleLeftOut:
    role: str
    #: records of the role this run left out
    count: int
    #: the commonest reason, as the issues CSV words it
    reason: str

    def sentence(self, school_key: str) -> str:
        noun = _PLURALS[self.role]
        return (
            f"No {noun} are synced: all {self.count} {noun} in the source were left out "
            f"(most often: {self.reason}). `schoolsync issues {school_key}` lists them; "
            f"`schoolsync school settings {school_key}` shows the email rules."
        )


def roles_left_out(issues: Iterable[Issue], active: Mapping[str, int]) -> list[RoleLeftOut]:
    """Roles that have nobody active in the store after a run that left some of them out."""
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for issue in issues:
        role = issue.entity
        if role in ROLES and issue.severity == "error":
            reasons[role][issue.message] += 1
    return [
        RoleLeftOut(role, sum(found.values()), found.most_common(1)[0][0])
        for role, found in reasons.items()
        if active.get(role, 0) == 0
    ]
