"""A school's People (search, filter by role and status; one person with their source ids,
classes and change history) and Classes (subject, teachers, pupils), for the pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schoolsync.errors import NotFound
from schoolsync.model.labels import KIND_WORDS
from schoolsync.store.people_reads import ClassDetail, ClassRow, Page, PersonRow

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.engine.change_labels import Described

__all__ = ["ClassDetail", "ClassRow", "Page", "PersonDetail", "PersonRow"]

#: A role and a status in the words of the People page's filters and tags.
ROLES = {"student": "Pupil", "teacher": "Teacher", "staff": "Other staff", "contact": "Contact"}
STATUSES = {"active": "In the MIS", "left": "Left"}
#: What each stored person field is called on the person's page (and which are shown at all)
PERSON_FIELDS = {
    "source_id": "Source id (Wonde or file)", "mis_id": "MIS id", "upi": "Unique person id",
    "upn": "UPN", "email": "Email", "username": "Username", "year_group": "Year",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    run_id: int
    when: dt.datetime | None
    #: "Changed", "Left", "Added to 7A/Ma1 (MIS m1)", "Removed from 7A/Ma1 (MIS m1)"
    what: str
    change: Described

    @property
    def in_class(self) -> bool:
        """A class membership: `what` says it all, and the values only repeat it."""
        return self.change.entity == "class_membership"


def _what(change: Described) -> str:
    if change.entity == "class_membership":
        where = {**change.before, **change.after}.get("class", "a class")
        return f"Added to {where}" if change.kind == "add" else f"Removed from {where}"
    return KIND_WORDS.get(change.kind, change.kind).capitalize()


@dataclass(frozen=True, slots=True)
class PersonDetail:
    name: str
    role: str
    status: str
    #: (label, value) of each id the person has: source id, MIS id, UPN...
    ids: list[tuple[str, str]]
    #: (id, name) of the classes they are in now
    classes: list[tuple[int, str]]
    #: their record's changes and their joining and leaving classes, newest first
    history: list[HistoryEntry]


def people_page(
    engine: sa.Engine,
    key: str,
    *,
    search: str = "",
    role: str = "",
    status: str = "",
    after: tuple[str, int] | None = None,
) -> Page:
    """People by name (surname, forename), filtered, continuing after `after` (a sort name and
    id from the page before). `search` matches a name, an email, an MIS id or a UPN."""
    from schoolsync.store import people_reads
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        school_id = get_school(conn, key).id
        return people_reads.people_page(
            conn, school_id, search=search, role=role, status=status, after=after
        )


def person_detail(engine: sa.Engine, key: str, person_id: int) -> PersonDetail:
    """One person of the school. An unknown person (or one of another school) raises
    `NotFound`."""
    from schoolsync.engine.change_labels import describe
    from schoolsync.store import people_reads
    from schoolsync.store.directory import load_directory
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        school_id = get_school(conn, key).id
        row = people_reads.person_record(conn, school_id, person_id) if _fits(person_id) else None
        if row is None:
            raise NotFound(f"School {key} has no person {person_id}")
        in_classes = people_reads.person_classes(conn, school_id, person_id)
        logged = people_reads.person_changes(conn, school_id, person_id)
        directory = load_directory(conn, school_id)
    described = [(run_id, when, describe(change, directory)) for run_id, when, change in logged]
    history = [HistoryEntry(run_id, when, _what(c), c) for run_id, when, c in described]
    ids = [(label, str(row[name])) for name, label in PERSON_FIELDS.items() if row[name]]
    return PersonDetail(
        f"{row['forename']} {row['surname']}", row["role"], row["status"], ids, in_classes, history
    )


def classes_page(
    engine: sa.Engine, key: str, *, search: str = "", after: tuple[str, int] | None = None
) -> Page:
    """The school's classes by name with their subject, teachers and number of pupils."""
    from schoolsync.store import people_reads
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        return people_reads.classes_page(conn, get_school(conn, key).id, search=search, after=after)


def class_detail(engine: sa.Engine, key: str, class_id: int) -> ClassDetail:
    """One class with its teachers and pupils. An unknown class raises `NotFound`."""
    from schoolsync.store import people_reads
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        school_id = get_school(conn, key).id
        found = people_reads.class_detail(conn, school_id, class_id) if _fits(class_id) else None
    if found is None:
        raise NotFound(f"School {key} has no class {class_id}")
    return found


def _fits(row_id: Any) -> bool:
    """An id the store could hold: one past a 32-bit integer is nobody, not an error."""
    return isinstance(row_id, int) and 0 < row_id < 2**31
