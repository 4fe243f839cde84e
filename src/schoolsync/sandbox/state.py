"""SandboxSchool: the mutable, in-memory school a sandbox serves.

Everything is stored the way Wonde serves it, as plain dicts keyed by Wonde id in insertion
order, so the server renders by copying and a test can break the data by editing a dict (drop
a required field, duplicate an id, set gender to "ROBOT"): nothing is re-validated on the way
out.

Relations are id lists owned by one side only (a class lists its students; a student does not
list its classes), so there is one place to change and nothing to keep in step. Reverse lookups
are built on demand by the `*_of_*` methods, which cost one pass over the memberships.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schoolsync.sandbox.datetimes import utc_now, wonde_datetime
from schoolsync.sandbox.identifiers import wonde_id

Record = dict[str, Any]

# The collections a school serves, by endpoint name.
COLLECTIONS = ("students", "employees", "contacts", "classes", "groups", "subjects")


@dataclass(eq=False)
class SandboxSchool:
    """One school's data. Mutate it only while holding `lock` if a server is running."""

    # The Wonde school object minus `region`, which depends on the host a request came on.
    profile: Record
    email_domain: str
    now: Callable[[], datetime] = utc_now

    students: dict[str, Record] = field(default_factory=dict)
    employees: dict[str, Record] = field(default_factory=dict)
    contacts: dict[str, Record] = field(default_factory=dict)
    classes: dict[str, Record] = field(default_factory=dict)
    groups: dict[str, Record] = field(default_factory=dict)
    subjects: dict[str, Record] = field(default_factory=dict)

    # Memberships. A class's first employee is its main teacher. A class's subject is the
    # `subject` field of the class record itself, as Wonde serves it.
    class_students: dict[str, list[str]] = field(default_factory=dict)
    class_employees: dict[str, list[str]] = field(default_factory=dict)
    group_students: dict[str, list[str]] = field(default_factory=dict)
    group_employees: dict[str, list[str]] = field(default_factory=dict)
    # student id -> [{"contact": contact id, "relationship": {...}}], priority order
    student_contacts: dict[str, list[Record]] = field(default_factory=dict)

    # Include payloads, served as `{"data": ...}` exactly as stored. Ids are unique across
    # kinds, so contact_details holds students', employees' and contacts' details together.
    education_details: dict[str, Record] = field(default_factory=dict)
    extended_details: dict[str, Record] = field(default_factory=dict)
    contact_details: dict[str, Record] = field(default_factory=dict)
    employment_details: dict[str, Record] = field(default_factory=dict)
    sen_needs: dict[str, list[Record]] = field(default_factory=dict)
    # Invented shape: Wonde documents only `possible_marks` (see pupil_context.py).
    attendance_summary: dict[str, Record] = field(default_factory=dict)
    # Photos a test changed (`sandbox/photos.py` draws the others from the pupil's id).
    photos: dict[str, Record] = field(default_factory=dict)

    # Every top-level delete, oldest first: {"type", "id", "mis_id", "deleted_at", "restored_at"}
    deletions: list[Record] = field(default_factory=list)

    # Not served; kept so that changes look like the generated school. Which NC year a YEAR
    # or REGISTRATION group belongs to; where the school is; who allocated pupils' UPNs.
    group_year: dict[str, str] = field(default_factory=dict)
    locale: str = "kent"
    upn_sources: list[tuple[str, str]] = field(default_factory=list)

    # What a scenario took away and will give back when "the MIS is corrected".
    set_aside: dict[str, Any] = field(default_factory=dict, repr=False)

    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    used_ids: set[str] = field(default_factory=set, repr=False)
    used_upns: set[str] = field(default_factory=set, repr=False)
    mis_counters: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        return str(self.profile["id"])

    @property
    def name(self) -> str:
        return str(self.profile["name"])

    def collection(self, name: str) -> dict[str, Record]:
        if name not in COLLECTIONS:
            raise KeyError(name)
        records: dict[str, Record] = getattr(self, name)
        return records

    # --- ids and clocks -------------------------------------------------------------------

    def new_id(self, rng: random.Random) -> str:
        return wonde_id(rng, self.used_ids)

    def next_mis_id(self, series: str) -> str:
        """Sequential MIS ids per series ('person', 'class', ...), as a MIS allocates them."""
        value = self.mis_counters.get(series, 1000) + 1
        self.mis_counters[series] = value
        return str(value)

    def stamp(self) -> Record:
        return wonde_datetime(self.now())

    def touch(self, collection: str, record_id: str, stamp: Record | None = None) -> None:
        """Mark a top-level record as updated now, as Wonde moves `updated_at`."""
        record = self.collection(collection).get(record_id)
        if record is not None:
            record["updated_at"] = dict(stamp or self.stamp())

    def log_deletion(self, kind: str, record: Record, stamp: Record | None = None) -> None:
        self.deletions.append(
            {
                "type": kind,
                "id": record.get("id"),
                "mis_id": record.get("mis_id"),
                "deleted_at": dict(stamp or self.stamp()),
                "restored_at": None,
            }
        )

    # --- reverse lookups (one pass over memberships each) ---------------------------------

    def groups_of_students(self) -> dict[str, list[str]]:
        return _invert(self.group_students)

    def groups_of_employees(self) -> dict[str, list[str]]:
        return _invert(self.group_employees)

    def classes_of_students(self) -> dict[str, list[str]]:
        return _invert(self.class_students)

    def classes_of_employees(self) -> dict[str, list[str]]:
        return _invert(self.class_employees)

    def classes_of_subjects(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for class_id, record in self.classes.items():
            subject = record.get("subject")
            if isinstance(subject, str):
                found.setdefault(subject, []).append(class_id)
        return found

    def students_of_contacts(self) -> dict[str, list[tuple[str, Any]]]:
        """contact id -> [(student id, relationship)]"""
        found: dict[str, list[tuple[str, Any]]] = {}
        for student_id, links in self.student_contacts.items():
            for link in links:
                contact_id = link.get("contact")
                if isinstance(contact_id, str):
                    found.setdefault(contact_id, []).append((student_id, link.get("relationship")))
        return found

    def year_of_student(self, student_id: str) -> str | None:
        details = self.education_details.get(student_id) or {}
        year = details.get("current_nc_year")
        return year if isinstance(year, str) else None


def _invert(memberships: dict[str, list[str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for owner, members in memberships.items():
        for member in members:
            found.setdefault(member, []).append(owner)
    return found
