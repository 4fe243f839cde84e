"""Builders for domain values: a test names only what it cares about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from schoolsync.engine.identity import match_people
from schoolsync.engine.plan import Plan, make_plan
from schoolsync.engine.validate import Validated, validate
from schoolsync.model import ContactLink, Group, Person, SchoolClass, Snapshot, Subject
from schoolsync.model.current import Current
from schoolsync.school_settings import SchoolSettings


def pupil(source_id: str, forename: str = "Amara", surname: str = "Okafor", **kw: Any) -> Person:
    kw.setdefault("upi", f"upi-{source_id}")
    kw.setdefault("mis_id", f"mis-{source_id}")
    kw.setdefault("year_group", "7")
    kw.setdefault("date_of_birth", dt.date(2014, 3, 9))
    return Person(role="student", source_id=source_id, forename=forename, surname=surname, **kw)


def teacher(source_id: str, forename: str = "Siân", surname: str = "O'Connor", **kw: Any) -> Person:
    kw.setdefault("upi", f"upi-{source_id}")
    kw.setdefault("email", f"{source_id.lower()}@school.org.uk")
    return Person(role="teacher", source_id=source_id, forename=forename, surname=surname, **kw)


def staff(source_id: str, forename: str = "Łucja", surname: str = "Wójcik", **kw: Any) -> Person:
    kw.setdefault("upi", f"upi-{source_id}")
    kw.setdefault("email", f"{source_id.lower()}@school.org.uk")
    return Person(role="staff", source_id=source_id, forename=forename, surname=surname, **kw)


def contact(
    source_id: str, forename: str = "Ingrid", surname: str = "Lindqvist", **kw: Any
) -> Person:
    kw.setdefault("upi", f"upi-{source_id}")
    return Person(role="contact", source_id=source_id, forename=forename, surname=surname, **kw)


def subject(source_id: str, name: str = "Mathematics", **kw: Any) -> Subject:
    return Subject(source_id=source_id, name=name, **kw)


def school_class(
    source_id: str,
    name: str = "7A/Ma1",
    students: Iterable[str] = (),
    teachers: Iterable[str] = (),
    **kw: Any,
) -> SchoolClass:
    return SchoolClass(
        source_id=source_id,
        name=name,
        student_ids=tuple(students),
        teacher_ids=tuple(teachers),
        **kw,
    )


def group(
    source_id: str,
    name: str = "7AB",
    kind: str = "registration",
    students: Iterable[str] = (),
    employees: Iterable[str] = (),
) -> Group:
    return Group(
        source_id=source_id,
        name=name,
        kind=kind,  # type: ignore[arg-type]
        student_ids=tuple(students),
        employee_ids=tuple(employees),
    )


def link(pupil_id: str, contact_id: str, relationship: str = "Mother", **kw: Any) -> ContactLink:
    return ContactLink(
        pupil_source_id=pupil_id, contact_source_id=contact_id, relationship=relationship, **kw
    )


def snapshot(*items: Any, complete: bool = True, **kw: Any) -> Snapshot:
    """Sort loose domain values into a Snapshot."""
    buckets: dict[str, list[Any]] = {
        "people": [],
        "subjects": [],
        "classes": [],
        "groups": [],
        "contact_links": [],
    }
    for item in items:
        key = {
            Person: "people",
            Subject: "subjects",
            SchoolClass: "classes",
            Group: "groups",
            ContactLink: "contact_links",
        }[type(item)]
        buckets[key].append(item)
    return Snapshot(
        source="wonde", complete=complete, **{k: tuple(v) for k, v in buckets.items()}, **kw
    )


def plan_for(
    snap: Snapshot, current: Current | None = None, settings: SchoolSettings | None = None
) -> tuple[Validated, Plan]:
    current = current or Current()
    matched = match_people(snap.people, current.people)
    validated = validate(snap, settings or SchoolSettings(), current.people, matched)
    return validated, make_plan(validated, current, matched)


def stored_person(row_id: int, person: Person | None = None, **overrides: Any) -> dict[str, Any]:
    """A stored people row, as `store.read.load_current` returns it."""
    from schoolsync.model.current import person_values

    person = person or pupil(f"A{row_id}")
    row = {
        "id": row_id,
        "family": person.family,
        "status": "active",
        "excluded": False,
        "username": person.email,
        **person_values(person),
    }
    row.update(overrides)
    return row


def with_(value: Any, **changes: Any) -> Any:
    return replace(value, **changes)
