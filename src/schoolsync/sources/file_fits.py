"""Values no longer than the store holds. Pure.

The store's columns have lengths (a UPN 20, a name 120, an id 64); PostgreSQL refuses a longer
value and the whole run fails with "an unexpected error". An MIS never sends such values, but an
uploaded file can hold anything, so every file snapshot passes through `fit` before it is
returned. The lengths are read from the table definitions, so they are declared once.

- An id or a name that does not fit cannot be stored or cut without becoming someone else's:
  the record is left out with an error `Issue`.
- Any other value that does not fit (a title, an email, a code) is dropped with a warning.
- Issues themselves are cut to fit, since they are stored too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import sqlalchemy as sa

from schoolsync.model import (
    ContactLink,
    Deletion,
    Group,
    Issue,
    Person,
    SchoolClass,
    SchoolInfo,
    Snapshot,
    Subject,
)
from schoolsync.store import tables

_ENTITY = {"student": "Student", "teacher": "Teacher", "staff": "Staff", "contact": "Contact"}


def _lengths(table: sa.Table) -> dict[str, int]:
    lengths: dict[str, int] = {}
    for column in table.columns:
        if isinstance(column.type, sa.String) and column.type.length:
            lengths[column.name] = column.type.length
    return lengths


_PERSON = _lengths(tables.people)
_SUBJECT = _lengths(tables.subjects)
_CLASS = _lengths(tables.classes)
_GROUP = _lengths(tables.groups)
_LINK = _lengths(tables.contact_links)
_SCHOOL = _lengths(tables.schools)
_ISSUE = _lengths(tables.issues)
_ID = _PERSON["source_id"]

_PERSON_KEYS = ("source_id", "upn", "mis_id", "forename", "surname")
_PERSON_OPTIONAL = (
    "upi",
    "title",
    "middle_names",
    "legal_forename",
    "legal_middle_names",
    "legal_surname",
    "email",
    "username",
)


def fit(snapshot: Snapshot, file: str) -> Snapshot:
    """The snapshot with every value the store could not hold dealt with; `file` names the
    upload in the issues."""
    fitter = _Fitter(file)
    people = []
    for person in snapshot.people:
        fitted = fitter.person(person)
        if fitted is None:
            fitter.gone.add((person.family, person.source_id))
        else:
            people.append(fitted)
    return replace(
        snapshot,
        people=tuple(people),
        subjects=tuple(s for s in (fitter.subject(each) for each in snapshot.subjects) if s),
        classes=tuple(c for c in (fitter.school_class(each) for each in snapshot.classes) if c),
        groups=tuple(g for g in (fitter.group(each) for each in snapshot.groups) if g),
        contact_links=tuple(
            link for link in (fitter.link(each) for each in snapshot.contact_links) if link
        ),
        deletions=tuple(d for d in (_deletion(each) for each in snapshot.deletions) if d),
        school=_school(snapshot.school),
        read_issues=tuple(_issue(i) for i in (*snapshot.read_issues, *fitter.issues)),
    )


class _Fitter:
    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []
        #: (family, source_id) of the people left out here, whom relations must not name
        self.gone: set[tuple[str, str]] = set()

    def _ids(self, family: str, ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(i for i in ids if len(i) <= _ID and (family, i) not in self.gone)

    def link(self, link: ContactLink) -> ContactLink | None:
        pupil, contact = link.pupil_source_id, link.contact_source_id
        if self._ids("pupil", (pupil,)) == () or self._ids("contact", (contact,)) == ():
            return None
        if _too_long(link.relationship, _LINK["relationship"]):
            return replace(link, relationship=None)
        return link

    def _report(
        self,
        entity: str,
        name: str,
        source_id: str,
        field: str,
        severity: Literal["error", "warning"],
    ) -> None:
        outcome = "it was left out" if severity == "error" else "it was left blank"
        self.issues.append(
            Issue(
                entity,
                name,
                f"{self.file}: {field} is longer than the {_limit_of(entity, field)} characters "
                f"schoolsync can store; {outcome}",
                source_id,
                severity=severity,
            )
        )

    def person(self, person: Person) -> Person | None:
        entity = _ENTITY[person.role]
        for name in _PERSON_KEYS:
            if _too_long(getattr(person, name), _PERSON[name]):
                self._report(entity, person.display_name, person.source_id, name, "error")
                return None
        dropped: dict[str, Any] = {}
        for name in _PERSON_OPTIONAL:
            if _too_long(getattr(person, name), _PERSON[name]):
                self._report(entity, person.display_name, person.source_id, name, "warning")
                dropped[name] = None
        needs = person.sen_needs
        while needs and len(",".join(f"{n.code}:{n.rank}" for n in needs)) > _PERSON["sen_needs"]:
            needs = needs[:-1]  # the lowest-ranked go first
        if needs != person.sen_needs:
            self._report(entity, person.display_name, person.source_id, "sen_needs", "warning")
            dropped["sen_needs"] = needs
        if _too_long(person.year_group, _PERSON["year_group"]):
            dropped["year_group"] = None
        if _too_long(person.sen_status, _PERSON["sen_status"]):
            dropped["sen_status"] = None
        return replace(person, **dropped) if dropped else person

    def _structure(
        self, entity: str, lengths: dict[str, int], record: Any, optional: tuple[str, ...]
    ) -> dict[str, Any] | None:
        for name in ("source_id", "name", "mis_id"):
            if _too_long(getattr(record, name), lengths[name]):
                self._report(entity, record.name[:100], record.source_id, name, "error")
                return None
        return {name: None for name in optional if _too_long(getattr(record, name), lengths[name])}

    def subject(self, subject: Subject) -> Subject | None:
        dropped = self._structure("Subject", _SUBJECT, subject, ("code",))
        return None if dropped is None else replace(subject, **dropped)

    def school_class(self, school_class: SchoolClass) -> SchoolClass | None:
        dropped = self._structure("Class", _CLASS, school_class, ("code", "year_group", "location"))
        if dropped is None:
            return None
        subject = school_class.subject_source_id
        return replace(
            school_class,
            **dropped,
            subject_source_id=None if _too_long(subject, _SUBJECT["source_id"]) else subject,
            student_ids=self._ids("pupil", school_class.student_ids),
            teacher_ids=self._ids("employee", school_class.teacher_ids),
        )

    def group(self, group: Group) -> Group | None:
        dropped = self._structure("Group", _GROUP, group, ("code",))
        if dropped is None:
            return None
        return replace(
            group,
            **dropped,
            student_ids=self._ids("pupil", group.student_ids),
            employee_ids=self._ids("employee", group.employee_ids),
        )


def _too_long(value: str | None, limit: int) -> bool:
    return value is not None and len(value) > limit


def _limit_of(entity: str, field: str) -> int:
    table = {"Subject": _SUBJECT, "Class": _CLASS, "Group": _GROUP}.get(entity, _PERSON)
    return table[field]


def _deletion(deletion: Deletion) -> Deletion | None:
    if _too_long(deletion.source_id, _ID):
        return None
    if _too_long(deletion.mis_id, _ID):
        return replace(deletion, mis_id=None)
    return deletion


def _school(school: SchoolInfo | None) -> SchoolInfo | None:
    if school is None:
        return None
    values: dict[str, Any] = {
        name: None
        for name in ("urn", "la_code", "establishment_number", "mis", "phase", "timezone")
        if _too_long(getattr(school, name), _SCHOOL[name])
    }
    values["name"] = school.name[: _SCHOOL["name"]]
    return replace(school, **values)


def _issue(issue: Issue) -> Issue:
    return replace(
        issue,
        entity_type=issue.entity_type[: _ISSUE["entity_type"]],
        entity_name=issue.entity_name[: _ISSUE["entity_name"]],
        source_id=issue.source_id[: _ISSUE["source_id"]],
        mis_id=issue.mis_id[: _ISSUE["mis_id"]],
    )
