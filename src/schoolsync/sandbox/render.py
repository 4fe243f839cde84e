"""Turning stored records into Wonde JSON, includes and all.

A record with nothing to add is served as the stored dict itself (no copy): most nested people
in `classes?include=students` cost nothing. Anything stored is served as stored, valid or not.

One Renderer serves one request: the reverse lookups it needs (a pupil's groups, a teacher's
classes) are built at most once per request, and only if an include asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from schoolsync.sandbox.includes import IncludeTree
from schoolsync.sandbox.photos import photo_payload
from schoolsync.sandbox.state import SandboxSchool

Record = dict[str, Any]
Handler = Callable[["Renderer", str, Record, IncludeTree], Record]

_PEOPLE = frozenset({"students", "employees", "contacts"})


class Renderer:
    def __init__(self, school: SandboxSchool, *, dob_as_string: bool = False) -> None:
        self.school = school
        self.dob_as_string = dob_as_string

    def one(
        self, kind: str, record_id: Any, tree: IncludeTree, extra: Record | None = None
    ) -> Record | None:
        """The record as served, or None if there is no such record."""
        if not isinstance(record_id, str):
            return None
        record = self.school.collection(kind).get(record_id)
        if record is None:
            return None
        convert_dob = self.dob_as_string and kind in _PEOPLE
        if not tree and extra is None and not convert_dob:
            return record
        out = dict(record)
        if convert_dob:
            dob = out.get("date_of_birth")
            if isinstance(dob, dict) and isinstance(dob.get("date"), str):
                out["date_of_birth"] = dob["date"][:10]
        handlers = _HANDLERS[kind]
        for name, below in tree.items():
            handler = handlers.get(name)
            if handler is not None:
                out[name] = handler(self, record_id, record, below)
        if extra is not None:
            out.update(extra)
        return out

    def many(self, kind: str, ids: Iterable[str], tree: IncludeTree) -> list[Record]:
        """Records in `ids` order; ids with no record (dangling memberships) are skipped."""
        found = (self.one(kind, record_id, tree) for record_id in ids)
        return [record for record in found if record is not None]

    # --- reverse lookups, built once per request ------------------------------------------

    @cached_property
    def student_groups(self) -> dict[str, list[str]]:
        return self.school.groups_of_students()

    @cached_property
    def student_classes(self) -> dict[str, list[str]]:
        return self.school.classes_of_students()

    @cached_property
    def employee_classes(self) -> dict[str, list[str]]:
        return self.school.classes_of_employees()

    @cached_property
    def employee_groups(self) -> dict[str, list[str]]:
        return self.school.groups_of_employees()

    @cached_property
    def subject_classes(self) -> dict[str, list[str]]:
        return self.school.classes_of_subjects()

    @cached_property
    def contact_students(self) -> dict[str, list[tuple[str, Any]]]:
        return self.school.students_of_contacts()

    # --- include payloads -----------------------------------------------------------------

    def staff_meta(self, class_id: str, employee_id: str) -> Record:
        """Per-link meta, as in real `employees?include=classes` responses."""
        staff = self.school.class_employees.get(class_id, [])
        main = bool(staff) and staff[0] == employee_id
        teaching = bool(
            (self.school.employment_details.get(employee_id) or {}).get("teaching_staff")
        )
        role = (
            "Main Class Teacher" if main else "Class Teacher" if teaching else "Teaching Assistant"
        )
        roles = ["Main Class Teacher", "Class Teacher"] if main else [role]
        return {
            "meta": {
                "is_main_teacher": main,
                "is_class_teacher": teaching,
                "role": role,
                "all_roles": roles,
            }
        }


def _payload(store: str) -> Handler:
    def handler(renderer: Renderer, record_id: str, record: Record, tree: IncludeTree) -> Record:
        payloads: dict[str, Any] = getattr(renderer.school, store)
        return {"data": payloads.get(record_id)}

    return handler


def _sen_needs(renderer: Renderer, record_id: str, record: Record, tree: IncludeTree) -> Record:
    return {"data": renderer.school.sen_needs.get(record_id, [])}


def _photo(renderer: Renderer, record_id: str, record: Record, tree: IncludeTree) -> Record:
    changed = renderer.school.photos.get(record_id)
    return {"data": changed if changed is not None else photo_payload(record_id)}


def _group_of_type(kind: str) -> Handler:
    def handler(renderer: Renderer, record_id: str, record: Record, tree: IncludeTree) -> Record:
        groups = renderer.school.groups
        for group_id in renderer.student_groups.get(record_id, []):
            group = groups.get(group_id)
            if group is not None and group.get("type") == kind:
                return {"data": renderer.one("groups", group_id, tree)}
        return {"data": None}

    return handler


def _student_groups(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    return {"data": renderer.many("groups", renderer.student_groups.get(record_id, []), tree)}


def _student_classes(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    return {"data": renderer.many("classes", renderer.student_classes.get(record_id, []), tree)}


def _student_contacts(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    found = (
        renderer.one(
            "contacts", link.get("contact"), tree, {"relationship": link.get("relationship")}
        )
        for link in renderer.school.student_contacts.get(record_id, [])
    )
    return {"data": [contact for contact in found if contact is not None]}


def _contact_students(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    found = (
        renderer.one("students", student_id, tree, {"relationship": relationship})
        for student_id, relationship in renderer.contact_students.get(record_id, [])
    )
    return {"data": [student for student in found if student is not None]}


def _employee_classes(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    found = (
        renderer.one("classes", class_id, tree, renderer.staff_meta(class_id, record_id))
        for class_id in renderer.employee_classes.get(record_id, [])
    )
    return {"data": [item for item in found if item is not None]}


def _employee_groups(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    return {"data": renderer.many("groups", renderer.employee_groups.get(record_id, []), tree)}


def _class_subject(renderer: Renderer, record_id: str, record: Record, tree: IncludeTree) -> Record:
    return {"data": renderer.one("subjects", record.get("subject"), tree)}


def _class_students(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    return {
        "data": renderer.many("students", renderer.school.class_students.get(record_id, []), tree)
    }


def _class_employees(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    found = (
        renderer.one("employees", employee_id, tree, renderer.staff_meta(record_id, employee_id))
        for employee_id in renderer.school.class_employees.get(record_id, [])
    )
    return {"data": [item for item in found if item is not None]}


def _group_students(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    return {
        "data": renderer.many("students", renderer.school.group_students.get(record_id, []), tree)
    }


def _group_employees(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    return {
        "data": renderer.many("employees", renderer.school.group_employees.get(record_id, []), tree)
    }


def _subject_classes(
    renderer: Renderer, record_id: str, record: Record, tree: IncludeTree
) -> Record:
    return {"data": renderer.many("classes", renderer.subject_classes.get(record_id, []), tree)}


# Must offer exactly what includes.SCHEMA declares (a test checks).
_HANDLERS: dict[str, dict[str, Handler]] = {
    "students": {
        "education_details": _payload("education_details"),
        "extended_details": _payload("extended_details"),
        "contact_details": _payload("contact_details"),
        "sen_needs": _sen_needs,
        "attendance_summary": _payload("attendance_summary"),
        "photo": _photo,
        "year": _group_of_type("YEAR"),
        "registration": _group_of_type("REGISTRATION"),
        "house": _group_of_type("HOUSE"),
        "groups": _student_groups,
        "classes": _student_classes,
        "contacts": _student_contacts,
    },
    "employees": {
        "employment_details": _payload("employment_details"),
        "contact_details": _payload("contact_details"),
        "classes": _employee_classes,
        "groups": _employee_groups,
    },
    "contacts": {
        "contact_details": _payload("contact_details"),
        "students": _contact_students,
    },
    "classes": {
        "subject": _class_subject,
        "students": _class_students,
        "employees": _class_employees,
    },
    "groups": {
        "students": _group_students,
        "employees": _group_employees,
    },
    "subjects": {
        "classes": _subject_classes,
    },
}


def offered() -> dict[str, set[str]]:
    return {kind: set(handlers) for kind, handlers in _HANDLERS.items()}
