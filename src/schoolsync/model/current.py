"""What the store holds for one school now, as plain values the pure stages compare against.

`PERSON_FIELDS` (and the structure field lists) are the one place that says which values a sync
owns: the planner compares exactly these, and apply writes exactly these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from schoolsync.model.changes import NewRef
from schoolsync.model.records import Attendance, Group, Person, SchoolClass, Subject

PERSON_FIELDS: tuple[str, ...] = (
    "role",
    "source_id",
    "mis_id",
    "upi",
    "upn",
    "title",
    "forename",
    "surname",
    "middle_names",
    "legal_forename",
    "legal_middle_names",
    "legal_surname",
    "gender",
    "date_of_birth",
    "email",
    "year_group",
    "sen_status",
    "sen_needs",
    "free_school_meals",
    "pupil_premium",
    "english_additional_language",
    "attendance",
)
SUBJECT_FIELDS: tuple[str, ...] = ("source_id", "mis_id", "name", "code")
CLASS_FIELDS: tuple[str, ...] = (
    "source_id",
    "mis_id",
    "name",
    "code",
    "subject_id",
    "year_group",
    "location",
)
GROUP_FIELDS: tuple[str, ...] = ("source_id", "mis_id", "name", "code", "kind")
LINK_FIELDS: tuple[str, ...] = (
    "relationship",
    "priority",
    "parental_responsibility",
    "lives_with_pupil",
)

Row = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Current:
    """Rows as loaded: people, subjects, classes and groups are mappings with `id`, `status` and
    their field lists; relations are sets of id tuples."""

    people: tuple[Row, ...] = ()
    subjects: tuple[Row, ...] = ()
    classes: tuple[Row, ...] = ()
    groups: tuple[Row, ...] = ()
    #: (class_id, person_id, role)
    class_members: frozenset[tuple[int, int, str]] = frozenset()
    #: (group_id, person_id, role)
    group_members: frozenset[tuple[int, int, str]] = frozenset()
    #: (pupil_id, contact_id) -> LINK_FIELDS values
    contact_links: Mapping[tuple[int, int], tuple[Any, ...]] = field(default_factory=dict)


def person_values(person: Person) -> dict[str, Any]:
    """The stored form of a person's synced fields."""
    attendance = person.attendance
    return {
        "role": person.role,
        "source_id": person.source_id,
        "mis_id": person.mis_id,
        "upi": person.upi,
        "upn": person.upn,
        "title": person.title,
        "forename": person.forename,
        "surname": person.surname,
        "middle_names": person.middle_names,
        "legal_forename": person.legal_forename,
        "legal_middle_names": person.legal_middle_names,
        "legal_surname": person.legal_surname,
        "gender": person.gender,
        "date_of_birth": person.date_of_birth,
        "email": person.email,
        "year_group": person.year_group,
        "sen_status": person.sen_status,
        "sen_needs": ",".join(f"{n.code}:{n.rank}" for n in person.sen_needs) or None,
        "free_school_meals": person.free_school_meals,
        "pupil_premium": person.pupil_premium,
        "english_additional_language": person.english_additional_language,
        "attendance": stored_attendance(attendance) if attendance else None,
    }


def stored_attendance(a: Attendance) -> str:
    """possible/present/authorised/unauthorised/late, then /unexplained when there are any
    (so that records stored before unexplained absences were read stay as they were)."""
    text = f"{a.possible}/{a.present}/{a.authorised}/{a.unauthorised}/{a.late}"
    return f"{text}/{a.unexplained}" if a.unexplained else text


def attendance_from_stored(text: str | None) -> Attendance | None:
    try:
        numbers = [int(part) for part in (text or "").split("/")]
    except ValueError:
        return None
    if len(numbers) not in (5, 6):
        return None
    return Attendance(*numbers)


def subject_values(subject: Subject) -> dict[str, Any]:
    return {
        "source_id": subject.source_id,
        "mis_id": subject.mis_id,
        "name": subject.name,
        "code": subject.code,
    }


def class_values(school_class: SchoolClass, subject_id: int | NewRef | None) -> dict[str, Any]:
    """`subject_id` is a `NewRef` when the plan creates the subject too."""
    return {
        "source_id": school_class.source_id,
        "mis_id": school_class.mis_id,
        "name": school_class.name,
        "code": school_class.code,
        "subject_id": subject_id,
        "year_group": school_class.year_group,
        "location": school_class.location,
    }


def group_values(group: Group) -> dict[str, Any]:
    return {
        "source_id": group.source_id,
        "mis_id": group.mis_id,
        "name": group.name,
        "code": group.code,
        "kind": group.kind,
    }
