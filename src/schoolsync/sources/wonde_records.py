"""Wonde records (decoded JSON) to domain values. Pure: no I/O.

Wonde is lenient in what it sends (see specs/wonde-api.md §10), so this is lenient in what it
reads: DateTime objects or plain dates, flags as booleans or Y/N strings, `meta` or relations
missing. A record with no `id` cannot be tracked at all and fails the read; a record that is
merely incomplete becomes an `Issue` and the rest goes on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from schoolsync.errors import SourceDataError
from schoolsync.model import (
    GROUP_KINDS,
    Attendance,
    ContactLink,
    Deletion,
    Gender,
    Group,
    Issue,
    Person,
    Role,
    SchoolClass,
    SchoolInfo,
    SenNeed,
    Snapshot,
    Subject,
)

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
        deletions=tuple(d for i, r in enumerate(raw.deletions) if (d := _deletion(r, i))),
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
        entity = _ENTITY_TYPE[role]
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
            date_of_birth=_date(record.get("date_of_birth")),
            email=_email(record),
            year_group=_text(education.get("current_nc_year")) if role == "student" else None,
            sen_status=(_text(extended.get("sen_status")) or "").upper() or None,
            sen_needs=_sen_needs(record),
            free_school_meals=_flag(extended.get("free_school_meals")),
            pupil_premium=_flag(extended.get("premium_pupil_indicator")),
            english_additional_language=_flag(extended.get("english_as_additional_language")),
            attendance=_attendance(record),
            unreadable=frozenset({"gender"}) if _unreadable_gender(record) else frozenset(),
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
        entity: str,
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
                    "Group",
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


_ENTITY_TYPE: dict[Role, str] = {
    "student": "Student",
    "teacher": "Teacher",
    "staff": "Staff",
    "contact": "Contact",
}


def _require_id(record: Any, endpoint: str, index: int) -> str:
    if not isinstance(record, dict):
        raise SourceDataError(f"Record {index + 1} of {endpoint} from Wonde is not an object")
    value = record.get("id")
    if not isinstance(value, str | int) or str(value).strip() == "":
        mis = record.get("mis_id")
        hint = f" (MIS id {mis})" if mis else ""
        raise SourceDataError(f"Record {index + 1} of {endpoint} from Wonde has no id{hint}")
    return str(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return None
    text = str(value).strip()
    return text or None


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in {"true", "t", "y", "yes", "1"}:
        return True
    if text in {"false", "f", "n", "no", "0"}:
        return False
    return None


def _date(value: Any) -> dt.date | None:
    """A Wonde date: a DateTime object in the school's zone, or a plain string."""
    if isinstance(value, dict):
        value = value.get("date")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _related_one(record: dict[str, Any], name: str) -> dict[str, Any]:
    wrapped = record.get(name)
    if isinstance(wrapped, dict):
        data = wrapped.get("data")
        if isinstance(data, dict):
            return data
    return {}


def _related_list(record: dict[str, Any], name: str) -> list[Any]:
    wrapped = record.get(name)
    if isinstance(wrapped, dict):
        data = wrapped.get("data")
        if isinstance(data, list):
            return data
    return []


def _member_ids(record: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
    ids = []
    for index, member in enumerate(_related_list(record, name)):
        if isinstance(member, dict) and member.get("id"):
            ids.append(str(member["id"]))
        elif isinstance(member, str):
            ids.append(member)
        else:
            raise SourceDataError(f"Member {index + 1} of {name} in {where} from Wonde has no id")
    return tuple(dict.fromkeys(ids))


def _email(record: dict[str, Any]) -> str | None:
    emails = _related_one(record, "contact_details").get("emails")
    if not isinstance(emails, dict):
        return None
    for key in ("email", "primary", "work", "home"):
        value = _text(emails.get(key))
        if value:
            return value.lower()
    return None


def _sen_needs(record: dict[str, Any]) -> tuple[SenNeed, ...]:
    needs = []
    for position, need in enumerate(_related_list(record, "sen_needs"), start=1):
        if not isinstance(need, dict):
            continue
        code = _text(need.get("type")) or _text(need.get("code"))
        if not code:
            continue
        rank = need.get("rank")
        needs.append(SenNeed(code.upper(), int(rank) if isinstance(rank, int) else position))
    return tuple(sorted(needs, key=lambda n: n.rank))


def _attendance(record: dict[str, Any]) -> Attendance | None:
    summary = _related_one(record, "attendance_summary")
    if not summary:
        return None

    def number(*keys: str) -> int:
        for key in keys:
            value = summary.get(key)
            if isinstance(value, int | float):
                return int(value)
        return 0

    return Attendance(
        possible=number("possible_marks", "possible"),
        present=number("present_marks", "present"),
        authorised=number("authorised_absence_marks", "authorised_absences"),
        unauthorised=number("unauthorised_absence_marks", "unauthorised_absences"),
        late=number("late_marks", "late"),
    )


def _contact_link(pupil_id: str, contact_id: str, record: dict[str, Any]) -> ContactLink:
    relation = record.get("relationship")
    if isinstance(relation, dict) and isinstance(relation.get("data"), dict):
        relation = relation["data"]
    if not isinstance(relation, dict):
        relation = {}
    priority = relation.get("priority")
    return ContactLink(
        pupil_source_id=pupil_id,
        contact_source_id=contact_id,
        relationship=_text(relation.get("relationship")),
        priority=int(priority) if isinstance(priority, int | float) else None,
        parental_responsibility=_flag(relation.get("parental_responsibility")),
        lives_with_pupil=_flag(relation.get("lives_with_pupil")),
    )


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
