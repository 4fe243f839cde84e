"""Scenarios that trip each safeguard, for trying approval by hand and in tests.

- `start_of_year`: a third of the classes lose all their pupils, as when a MIS rolls over
  before the new timetable is in;
- `mass_leaver_accident`: the MIS export loses half the pupils (they vanish, with deletion
  entries, as a broken export would show them);
- `mis_corrected`: everything a scenario took away comes back, as when the school fixes its MIS.

A deleted class mid-year and a dropped subject are the `deleted_class` and `deleted_subject`
changes.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from schoolsync.sandbox.state import SandboxSchool

Record = dict[str, Any]

#: What a scenario may set aside and `mis_corrected` puts back, in one piece.
_STATE = (
    "students",
    "contacts",
    "class_students",
    "group_students",
    "student_contacts",
    "education_details",
    "extended_details",
    "contact_details",
    "attendance_summary",
    "sen_needs",
)


def _set_aside(school: SandboxSchool) -> None:
    if "state" not in school.set_aside:
        school.set_aside["state"] = {name: copy.deepcopy(getattr(school, name)) for name in _STATE}


def start_of_year(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    _set_aside(school)
    full = sorted(c for c in school.classes if school.class_students.get(c))
    chosen = rng.sample(full, k=max(1, len(full) // 3)) if full else []
    for class_id in chosen:
        for student_id in school.class_students[class_id]:
            school.touch("students", student_id, stamp)
        school.class_students[class_id] = []
        school.touch("classes", class_id, stamp)
    return f"start_of_year: {len(chosen)} classes were emptied for the new year"


def mass_leaver_accident(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    _set_aside(school)
    lost = sorted(rng.sample(sorted(school.students), k=len(school.students) // 2))
    for student_id in lost:
        record = school.students.pop(student_id)
        school.log_deletion("student", record, stamp)
        for memberships in (school.class_students, school.group_students):
            for parent_id, members in memberships.items():
                if student_id in members:
                    members.remove(student_id)
                    school.touch(
                        "classes" if memberships is school.class_students else "groups",
                        parent_id,
                        stamp,
                    )
    return f"mass_leaver_accident: the MIS export lost {len(lost)} pupils"


def mis_corrected(school: SandboxSchool, _rng: random.Random, stamp: Record) -> str:
    saved = school.set_aside.pop("state", None)
    if saved is None:
        return "mis_corrected: nothing to correct"
    returned = [sid for sid in saved["students"] if sid not in school.students]
    for name, value in saved.items():
        setattr(school, name, value)
    for collection in ("students", "classes", "groups"):
        for record_id in school.collection(collection):
            school.touch(collection, record_id, stamp)
    back = set(returned)
    for entry in school.deletions:
        if entry.get("id") in back and entry.get("restored_at") is None:
            entry["restored_at"] = dict(stamp)
    return f"mis_corrected: {len(returned)} pupils and every class list are back"


SCENARIOS = {
    "start_of_year": start_of_year,
    "mass_leaver_accident": mass_leaver_accident,
    "mis_corrected": mis_corrected,
}
