"""Open issues: what a school still has to fix, across runs. Pure.

A run's own issues are kept with the run; the school's *open* issues are what it downloads by
default. An issue opens the first time a run finds it, stays open while runs find it again or do
not look at its record (an incremental run reads only what changed), and is resolved by the
first run that reads the record without finding it (the record synced) or learns the record is
gone (a complete read that covers it, or a deletion).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from schoolsync.model import Issue, Snapshot
from schoolsync.model.open_issues import Reconciled

#: Which entity families of a snapshot (`Snapshot.covers`) speak for an issue's entity type.
_FAMILIES: dict[str, frozenset[str]] = {
    "student": frozenset({"pupil"}),
    "teacher": frozenset({"employee"}),
    "staff": frozenset({"employee"}),
    "contact": frozenset({"contact"}),
    "user": frozenset({"pupil", "employee", "contact"}),
    "class": frozenset({"class"}),
    "group": frozenset({"group"}),
    "subject": frozenset({"subject"}),
}
_PEOPLE = ("student", "teacher", "staff", "contact", "user")

#: An issue is the same issue in a later run when its record and its message are the same.
IssueKey = tuple[str, str, str, str]


def issue_key(issue: Issue) -> IssueKey:
    return (issue.entity, issue.source_id, issue.mis_id, issue.message)


@dataclass(frozen=True, slots=True)
class Reading:
    """What one run looked at: which records it read, and what their absence means."""

    complete: bool
    covers: frozenset[str]
    #: (kind, source_id) of every record read or reported deleted; kind is person, class,
    #: group or subject
    seen: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, snapshot: Snapshot) -> Reading:
        seen = {("person", p.source_id) for p in snapshot.people}
        seen |= {("class", c.source_id) for c in snapshot.classes}
        seen |= {("group", g.source_id) for g in snapshot.groups}
        seen |= {("subject", s.source_id) for s in snapshot.subjects}
        seen |= {(_deleted_kind(d.kind), d.source_id) for d in snapshot.deletions}
        return cls(snapshot.complete, snapshot.covers, frozenset(seen))

    def looked_at(self, issue: Issue) -> bool:
        """Whether this run would have found `issue` again if it were still there."""
        families = _FAMILIES.get(issue.entity, frozenset())
        if self.complete and families & self.covers:
            return True
        return bool(issue.source_id) and (_kind(issue.entity), issue.source_id) in self.seen


def reconcile(
    open_issues: Sequence[tuple[int, Issue]], found: Iterable[Issue], reading: Reading
) -> Reconciled:
    """Which issues a run opens, finds again and resolves."""
    now_found: dict[IssueKey, Issue] = {}
    for issue in found:
        now_found.setdefault(issue_key(issue), issue)
    known = {issue_key(issue): issue_id for issue_id, issue in open_issues}
    opened = tuple(issue for key, issue in now_found.items() if key not in known)
    again = tuple((known[key], issue) for key, issue in now_found.items() if key in known)
    resolved = tuple(
        issue_id
        for issue_id, issue in open_issues
        if issue_key(issue) not in now_found and reading.looked_at(issue)
    )
    return Reconciled(opened, again, resolved)


def _kind(entity: str) -> str:
    return "person" if entity in _PEOPLE else entity


def _deleted_kind(kind: str) -> str:
    return kind if kind in ("class", "group", "subject") else "person"
