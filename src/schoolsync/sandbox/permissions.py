"""The permission catalogue served by `meta/schools/{id}/permissions`.

Identities follow the `<data>.read` pattern seen in Edlink's troubleshooting notes; the exact
Wonde identities are not public [I], so clients should treat them as opaque labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]


@dataclass(frozen=True)
class Permission:
    name: str
    group: str
    description: str
    parent: str | None = None
    optional: bool = False


_STUDENTS = "students.read"

CATALOGUE: dict[str, Permission] = {
    "students.read": Permission("Students", "Students", "Pupils' names, birthdays and gender"),
    "education_details.read": Permission(
        "Education details", "Students", "UPN, year and admission", _STUDENTS
    ),
    "extended_details.read": Permission(
        "Extended details", "Students", "SEN, FSM, pupil premium, EAL", _STUDENTS, optional=True
    ),
    "attendance.read": Permission(
        "Attendance", "Students", "Attendance summaries", _STUDENTS, optional=True
    ),
    "photos.read": Permission(
        "Photos", "Students", "Pupils' thumbnail photos", _STUDENTS, optional=True
    ),
    "contacts.read": Permission(
        "Contacts", "Contacts", "Pupils' parents and carers", optional=True
    ),
    "contact_details.read": Permission(
        "Contact details", "Contacts", "Emails, phones and addresses", optional=True
    ),
    "employees.read": Permission("Employees", "Employees", "Staff names"),
    "employment_details.read": Permission(
        "Employment details", "Employees", "Staff roles and dates", "employees.read"
    ),
    "classes.read": Permission("Classes", "Structure", "Classes and their members"),
    "groups.read": Permission("Groups", "Structure", "Year, form and house groups"),
    "subjects.read": Permission("Subjects", "Structure", "Subjects taught"),
}


def permission_objects(denied: set[str], active_from: Record) -> list[Record]:
    """Permission objects as Wonde shapes them; a denied permission is not approved."""
    return [
        {
            "identity": identity,
            "name": permission.name,
            "description": permission.description,
            "parent": permission.parent,
            "group": permission.group,
            "active_from": active_from,
            "optional": permission.optional,
            "approved": identity not in denied,
            "audited": identity not in denied,
        }
        for identity, permission in CATALOGUE.items()
    ]
