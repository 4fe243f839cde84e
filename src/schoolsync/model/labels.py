"""The plain-English words for the product's values, in one place: decisions are made on the
values (a role, a trigger), and the words are chosen only where a person reads them."""

from __future__ import annotations

from typing import Literal

from schoolsync.model.records import IssueEntity, Role, SourceKind

#: What started a run: a person (CLI, web), the schedule, or an uploaded file.
Trigger = Literal["manual", "scheduled", "expedited", "file"]
TRIGGERS: tuple[Trigger, ...] = ("manual", "scheduled", "expedited", "file")

TRIGGER_LABELS: dict[Trigger, str] = {
    "scheduled": "Nightly",
    "manual": "Started by a person",
    "expedited": "Expedited",
    "file": "File import",
}

#: Where a snapshot came from, as a school names it.
SOURCE_LABELS: dict[SourceKind, str] = {
    "wonde": "Wonde",
    "ctf": "CTF file",
    "oneroster": "OneRoster package",
    "staff_csv": "staff CSV",
}

#: How a run read its source: everything, what changed since the last run, or a whole file.
SyncKind = Literal["full", "incremental", "file"]
SYNC_KIND_LABELS: dict[SyncKind, str] = {
    "full": "Full sync",
    "incremental": "Changes since the last sync",
    "file": "Whole file",
}

#: What an issue is about, in the words of the issues CSV's Entity Type column (DESIGN.md:
#: Class, Teacher, Student, Staff, Contact, User) and of the store's `entity_type` column.
ENTITY_LABELS: dict[IssueEntity, str] = {
    "student": "Student",
    "teacher": "Teacher",
    "staff": "Staff",
    "contact": "Contact",
    "user": "User",
    "class": "Class",
    "group": "Group",
    "subject": "Subject",
    "school": "School",
}
_ENTITY_OF_LABEL: dict[str, IssueEntity] = {label: kind for kind, label in ENTITY_LABELS.items()}


def entity_of_label(label: str) -> IssueEntity:
    """The kind an Entity Type names, as the store keeps it; a word it does not know is a user
    of unknown type, as the CSV's own vocabulary has it."""
    return _ENTITY_OF_LABEL.get(label, "user")


#: A role in a count, (one, many): "1 pupil", "197 contacts".
ROLE_NOUNS: dict[Role, tuple[str, str]] = {
    "student": ("pupil", "pupils"),
    "teacher": ("teacher", "teachers"),
    "staff": ("member of staff", "staff"),
    "contact": ("contact", "contacts"),
}


def count_of(role: Role, n: int) -> str:
    """'1 pupil', '197 contacts'."""
    return f"{n} {ROLE_NOUNS[role][n != 1]}"


#: A change's kind in the words of the history table and the wizard, in the order listed.
KIND_WORDS = {
    "create": "added", "add": "added", "update": "changed", "restore": "came back",
    "leave": "left", "delete": "removed", "remove": "removed",
}  # fmt: skip
_KIND_ORDER = ("added", "changed", "came back", "left", "removed")


def changes_in_words(counts: dict[str, dict[str, int]]) -> str:
    """ "12 added, 3 changed, 1 left": a run's counts as the history table says them."""
    totals: dict[str, int] = {}
    for kinds in counts.values():
        for kind, number in kinds.items():
            word = KIND_WORDS.get(kind, "changed")
            totals[word] = totals.get(word, 0) + number
    ordered = sorted(totals.items(), key=lambda item: _KIND_ORDER.index(item[0]))
    return ", ".join(f"{n} {word}" for word, n in ordered if n) or "No changes"


def counts_in_words(counts: dict[str, dict[str, int]]) -> list[str]:
    """ "class membership: 12 removed, 3 added": a plan's counts, one line per entity."""
    return [
        f"{entity.replace('_', ' ')}: "
        + ", ".join(f"{n} {KIND_WORDS.get(kind, kind)}" for kind, n in kinds.items())
        for entity, kinds in counts.items()
    ]
