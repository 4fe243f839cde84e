"""Wonde records (decoded JSON) to domain values. Pure: no I/O.

Wonde is lenient in what it sends (see specs/wonde-api.md §10), so this is lenient in what it
reads: DateTime objects or plain dates, flags as booleans or Y/N strings, `meta` or relations
missing. A record with no `id` cannot be tracked at all and fails the read; a record that is
merely incomplete becomes an `Issue` and the rest goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schoolsync.errors import SourceDataError
from schoolsync.model import (
    GROUP_KINDS,
    ContactLink,
    Deletion,
    Gender,
    Group,
    Issue,
    IssueEntity,
    Person,
    Role,
    SchoolClass,
    SchoolInfo,
    Snapshot,
    Subject,
)

# Single values are read in `values`; the readers here call them by these short names.
from schoolsync.sources.wonde.values import attendance as _attendance
from schoolsync.sources.wonde.values import contact_link as _contact_link
from schoolsync.sources.wonde.values import date as _date
from schoolsync.sources.wonde.values import email as _email
from schoolsync.sources.wonde.values import flag as _flag
from schoolsync.sources.wonde.values import given as _given
from schoolsync.sources.wonde.values import member_ids as _member_ids
from schoolsync.sources.wonde.values import related_list as _related_list
from schoolsync.sources.wonde.values import related_one as _related_one
from schoolsync.sources.wonde.values import sen_needs as _sen_needs
from schoolsync.sources.wonde.values import shown as _shown
from schoolsync.sources.wonde.values import text as _text

_GENDERS: dict[str, Gender] = {
    "MALE": "male",
    "M": "male",
    "FEMALE": "female",
    "F": "female",
    "OTHER": "other",
    "INTERSEX OR INDETERMINATE": "other",
    "INDETERMINATE": "other",
    "NOT STATED": "not_stated",
    "NOT STATED/INADEQUATELY DESCRIBED": "not_stated",
    "NOT_STATED": "not_stated",
    "UNKNOWN": "not_stated",
    "U": "not_stated",
    "REDACTED FOR PRIVACY": "not_stated",
}

_DELETED_KINDS = {
    "student": "student",
    "employee": "employee",
    "contact": "contact",
    "class": "class",
    "group": "group",
    "subject": "subject",
}


@dataclass
class RawSchool:
    """What the Wonde client read for one school, page data concatenated per endpoint."""

    school: dict[str, Any]
    students: list[Any]
    employees: list[Any]
    subjects: list[Any]
    classes: list[Any]
    groups: list[Any]
    complete: bool
    with_staff: bool = True
    contacts: list[Any] = field(default_factory=list)
    deletions: list[Any] = field(default_factory=list)
    #: the leavers endpoint's students (an empty list where the school's Wonde has none)
    leavers: list[Any] = field(default_factory=list)
    #: optional permissions the school withholds: what needs them was not read
    withheld: frozenset[str] = frozenset()


def build_snapshot(raw: RawSchool) -> Snapshot:
    reader = _Reader()
    students = [reader.person(r, "student", "students", i) for i, r in enumerate(raw.students)]
    classes = [reader.school_class(r, i) for i, r in enumerate(raw.classes)]
    class_teachers = {t for c in classes if c is not None for t in c.teacher_ids}
    employees = [reader.employee(r, i, class_teachers) for i, r in enumerate(raw.employees)]
    contacts: dict[str, Person] = {}
    links: list[ContactLink] = []
    for index, record in enumerate(raw.students):
        for contact_record in _related_list(record, "contacts"):
            contact = reader.person(contact_record, "contact", "students.contacts", index)
            if contact is None:
                continue
            contacts.setdefault(contact.source_id, contact)
            links.append(_contact_link(record["id"], contact.source_id, contact_record))
    for index, record in enumerate(raw.contacts):
        contact = reader.person(record, "contact", "contacts", index)
        if contact is not None:
            contacts[contact.source_id] = contact
    people = [p for p in (*students, *employees) if p is not None]
    people.extend(contacts.values())

    covers = {"pupil", "contact", "subject", "class", "group", "contact_link"}
    if raw.with_staff:
        covers.add("employee")
    return Snapshot(
        source="wonde",
        complete=raw.complete,
        people=tuple(people),
        subjects=tuple(s for i, r in enumerate(raw.subjects) if (s := reader.subject(r, i))),
        classes=tuple(c for c in classes if c is not None),
        groups=tuple(g for i, r in enumerate(raw.groups) if (g := reader.group(r, i))),
        contact_links=tuple(links),
        deletions=tuple(d for i, r in enumerate(raw.deletions) if (d := _deletion(r, i)))
        + tuple(
            Deletion("student", _require_id(r, "students-leaver", i), _text(r.get("mis_id")))
            for i, r in enumerate(raw.leavers)
        ),
        school=_school_info(raw.school),
        read_issues=tuple(reader.issues),
        covers=frozenset(covers),
    )


class _Reader:
    """Reads records one at a time, collecting the issues it meets."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def person(self, record: Any, role: Role, endpoint: str, index: int) -> Person | None:
        source_id = _require_id(record, endpoint, index)
        forename = _text(record.get("forename"))
        surname = _text(record.get("surname"))
        entity = role
        if not forename and not surname:
            self.issues.append(
                Issue(
                    entity,
                    "",
                    "An unexpected error has occurred: the MIS record has no name",
                    source_id,
                    _text(record.get("mis_id")) or "",
                )
            )
            return None
        education = _related_one(record, "education_details")
        extended = _related_one(record, "extended_details")
        employment = _related_one(record, "employment_details")
        unreadable = set()
        if _unreadable_gender(record):
            unreadable.add("gender")
        date_of_birth = _date(record.get("date_of_birth"))
        if date_of_birth is None and _given(record.get("date_of_birth")):
            # Kept as stored: an empty value here would blank the date on the next sync.
            unreadable.add("date_of_birth")
            self.issues.append(
                Issue(
                    entity,
                    f"{forename or ''} {surname or ''}".strip(),
                    f"Date of birth '{_shown(record.get('date_of_birth'))}' is not a date; "
                    "it was ignored",
                    source_id,
                    _text(record.get("mis_id")) or "",
                    severity="warning",
                )
            )
        return Person(
            role=role,
            source_id=source_id,
            forename=forename or "",
            surname=surname or "",
            mis_id=_text(record.get("mis_id")),
            upi=_text(record.get("upi")),
            upn=_text(education.get("upn")) or _text(record.get("upn")),
            title=_text(record.get("title")),
            middle_names=_text(record.get("middle_names")),
            legal_forename=_text(record.get("legal_forename")),
            legal_surname=_text(record.get("legal_surname")),
            gender=self._gender(record, entity, forename, surname, source_id),
            date_of_birth=date_of_birth,
            email=_email(record),
            year_group=_text(education.get("current_nc_year")) if role == "student" else None,
            sen_status=(_text(extended.get("sen_status")) or "").upper() or None,
            sen_needs=_sen_needs(record),
            free_school_meals=_flag(extended.get("free_school_meals")),
            pupil_premium=_flag(extended.get("premium_pupil_indicator")),
            english_additional_language=_flag(extended.get("english_as_additional_language")),
            attendance=_attendance(record),
            starts_on=_date(
                education.get("admission_date") or employment.get("employment_start_date")
            ),
            ends_on=_date(education.get("leaving_date") or employment.get("employment_end_date")),
            active=_flag(employment.get("current")) if "current" in employment else None,
            unreadable=frozenset(unreadable),
        )

    def employee(self, record: Any, index: int, class_teachers: set[str]) -> Person | None:
        source_id = _require_id(record, "employees", index)
        teaching = _flag(_related_one(record, "employment_details").get("teaching_staff"))
        if teaching is None:
            teaching = source_id in class_teachers
        return self.person(record, "teacher" if teaching else "staff", "employees", index)

    def _gender(
        self,
        record: dict[str, Any],
        entity: IssueEntity,
        forename: str | None,
        surname: str | None,
        source_id: str,
    ) -> Gender | None:
        raw = record.get("gender")
        if raw is None or raw == "":
            return None
        gender = _GENDERS.get(str(raw).strip().upper())
        if gender is None:
            self.issues.append(
                Issue(
                    entity,
                    f"{forename or ''} {surname or ''}".strip(),
                    f"Gender '{str(raw)[:40]}' is not recognised; it was ignored",
                    source_id,
                    _text(record.get("mis_id")) or "",
                    severity="warning",
                )
            )
        return gender

    def subject(self, record: Any, index: int) -> Subject | None:
        source_id = _require_id(record, "subjects", index)
        return Subject(
            source_id=source_id,
            name=_text(record.get("name")) or _text(record.get("code")) or "",
            mis_id=_text(record.get("mis_id")),
            code=_text(record.get("code")),
        )

    def school_class(self, record: Any, index: int) -> SchoolClass | None:
        source_id = _require_id(record, "classes", index)
        subject = record.get("subject")
        if isinstance(subject, dict):
            subject = (subject.get("data") or {}).get("id")
        return SchoolClass(
            source_id=source_id,
            name=_text(record.get("name")) or "",
            mis_id=_text(record.get("mis_id")),
            code=_text(record.get("code")),
            subject_source_id=_text(subject),
            year_group=_text(record.get("year_group")),
            student_ids=_member_ids(record, "students", f"classes[{index}]"),
            teacher_ids=_member_ids(record, "employees", f"classes[{index}]"),
        )

    def group(self, record: Any, index: int) -> Group | None:
        source_id = _require_id(record, "groups", index)
        name = _text(record.get("name")) or ""
        raw_kind = _text(record.get("type")) or ""
        kind = raw_kind.lower()
        if kind not in GROUP_KINDS:
            self.issues.append(
                Issue(
                    "group",
                    name,
                    f"Group type '{raw_kind[:40]}' is not recognised; the group was left out",
                    source_id,
                    _text(record.get("mis_id")) or "",
                )
            )
            return None
        return Group(
            source_id=source_id,
            name=name,
            kind=kind,  # type: ignore[arg-type]  # checked against GROUP_KINDS above
            mis_id=_text(record.get("mis_id")),
            code=_text(record.get("code")),
            student_ids=_member_ids(record, "students", f"groups[{index}]"),
            employee_ids=_member_ids(record, "employees", f"groups[{index}]"),
        )


def _unreadable_gender(record: dict[str, Any]) -> bool:
    raw = record.get("gender")
    return raw not in (None, "") and str(raw).strip().upper() not in _GENDERS


def _require_id(record: Any, endpoint: str, index: int) -> str:
    if not isinstance(record, dict):
        raise SourceDataError(f"Record {index + 1} of {endpoint} from Wonde is not an object")
    value = record.get("id")
    if not isinstance(value, str | int) or str(value).strip() == "":
        mis = record.get("mis_id")
        hint = f" (MIS id {mis})" if mis else ""
        raise SourceDataError(f"Record {index + 1} of {endpoint} from Wonde has no id{hint}")
    return str(value)


def _deletion(record: Any, index: int) -> Deletion | None:
    source_id = _require_id(record, "deletions", index)
    kind = _DELETED_KINDS.get(str(record.get("type", "")).lower())
    if kind is None:
        return None  # lessons, periods and the like: nothing of ours to remove
    return Deletion(kind=kind, source_id=source_id, mis_id=_text(record.get("mis_id")))  # type: ignore[arg-type]


def _school_info(school: dict[str, Any]) -> SchoolInfo:
    return SchoolInfo(
        name=_text(school.get("name")) or "",
        urn=_text(school.get("urn")),
        la_code=_text(school.get("la_code")),
        establishment_number=_text(school.get("establishment_number")),
        mis=_text(school.get("mis")),
        phase=_text(school.get("phase_of_education")),
        timezone=_text(school.get("timezone")),
    )
