"""Who works at a generated school, and who teaches which class.

A secondary of N pupils has about 0.055 N teachers (110 for 2,000): a leadership team who
teach a little, and departments sized by their share of the timetable; plus about 0.02 N
support staff. A primary has a class teacher per form, a head, a deputy and a SENCo, a
French teacher if it has KS2, and about as many support staff (mostly teaching assistants).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from schoolsync.sandbox.curriculum import DEPARTMENTS, SUBJECT_NAMES
from schoolsync.sandbox.employees import add_employee
from schoolsync.sandbox.people import PeopleFactory

_LEADERS = (
    "Headteacher", "Deputy Headteacher", "Deputy Headteacher", "Assistant Headteacher",
    "Assistant Headteacher", "Assistant Headteacher", "SENCo",
)  # fmt: skip
_SECONDARY_SUPPORT = (
    "Business Manager", "Office Manager", "Receptionist", "Data Manager", "Exams Officer",
    "Finance Officer", "Site Manager", "IT Technician", "Science Technician", "Librarian",
    "Attendance Officer", "HR Officer", "Catering Manager", "Pastoral Support Worker",
    "Cover Supervisor",
)  # fmt: skip
_PRIMARY_SUPPORT = ("School Business Manager", "Administrator", "Site Manager", "Midday Supervisor")
# Primary "departments": every class teacher, and the French specialist.
CLASS_TEACHERS = "Class"
FRENCH = "French"


@dataclass
class Staff:
    factory: PeopleFactory
    rng: random.Random
    teachers: list[str] = field(default_factory=list)
    by_department: dict[str, list[str]] = field(default_factory=dict)
    # Non-teaching staff who work in classrooms (second adult in some classes).
    assistants: list[str] = field(default_factory=list)
    # Classes taught so far, to share classes out evenly.
    load: dict[str, int] = field(default_factory=dict)

    def hire_teacher(self, role: str, department: str | None, load: int = 0) -> str:
        employee_id = add_employee(self.factory, teaching=True, role=role)
        self.teachers.append(employee_id)
        self.load[employee_id] = load
        if department:
            self.by_department.setdefault(department, []).append(employee_id)
        return employee_id

    def hire_support(self, count: int, named_roles: tuple[str, ...]) -> None:
        """The named roles once each, then teaching assistants."""
        for index in range(count):
            if index < len(named_roles):
                role = named_roles[index]
            else:
                role = self.rng.choice(
                    ("Teaching Assistant", "Teaching Assistant", "Learning Support Assistant")
                )
            employee_id = add_employee(self.factory, teaching=False, role=role)
            if "Assistant" in role or role == "Cover Supervisor":
                self.assistants.append(employee_id)

    def assign(self, pool: list[str]) -> list[str]:
        """A class's staff: the least-busy teacher in `pool`, sometimes a second adult."""
        rng = self.rng
        ranked = sorted(pool or self.teachers, key=lambda t: (self.load[t], rng.random()))
        staff = [ranked[0]]
        self.load[ranked[0]] += 1
        roll = rng.random()
        if roll < 0.1 and len(ranked) > 1:
            staff.append(ranked[1])
            self.load[ranked[1]] += 1
        elif roll < 0.18 and self.assistants:
            staff.append(rng.choice(self.assistants))
        return staff


def hire_secondary(factory: PeopleFactory, rng: random.Random, pupils: int) -> Staff:
    staff = Staff(factory, rng)
    departments = list(DEPARTMENTS)
    weights = [DEPARTMENTS[d][1] for d in departments]
    for role in _LEADERS:
        # Leaders teach a little: they start as if already carrying a few classes.
        staff.hire_teacher(role, rng.choices(departments, weights=weights)[0], load=4)
    teaching = max(12, round(pupils * 0.055))
    for department, count in zip(
        departments, _share(teaching - len(_LEADERS), weights), strict=True
    ):
        subject = SUBJECT_NAMES[DEPARTMENTS[department][0][0]]
        for index in range(count):
            role = f"Head of {department}" if index == 0 else f"Teacher of {subject}"
            staff.hire_teacher(role, department)
    staff.hire_support(max(8, round(pupils * 0.02)), _SECONDARY_SUPPORT)
    return staff


def hire_primary(
    factory: PeopleFactory, rng: random.Random, forms: int, key_stage_2: bool
) -> Staff:
    staff = Staff(factory, rng)
    for role in ("Headteacher", "Deputy Headteacher", "SENCo"):
        staff.hire_teacher(role, None)
    for _ in range(forms):
        staff.hire_teacher("Class Teacher", CLASS_TEACHERS)
    if key_stage_2:
        staff.hire_teacher("Teacher of French", FRENCH)
    staff.hire_support(max(4, round(len(staff.teachers) * 1.1)), _PRIMARY_SUPPORT)
    return staff


def _share(total: int, weights: list[float]) -> list[int]:
    """`total` split by weight, at least one each (largest remainder)."""
    exact = [max(1.0, total * w / sum(weights)) for w in weights]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for index in order[: max(0, total - sum(counts))]:
        counts[index] += 1
    return counts
