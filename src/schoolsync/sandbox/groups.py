"""A generated school's groups: houses, year groups, forms (registration groups), departments,
and a couple of the extra groups schools keep (school council, a club or an intervention).

Forms are named after their tutor in a secondary ('7AB') and after a tree in a primary.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from schoolsync.sandbox import names, staffing
from schoolsync.sandbox.people import PeopleFactory
from schoolsync.sandbox.staffing import Staff

# Pupils per form at most.
FORM_SIZE = 30

_HOUSES = (
    ("Austen", "AUS"), ("Brunel", "BRU"), ("Darwin", "DAR"), ("Seacole", "SEA"),
)  # fmt: skip
_FORM_TREES = (
    "Oak", "Ash", "Birch", "Elm", "Hazel", "Maple", "Rowan", "Willow", "Cedar", "Holly",
    "Beech", "Larch", "Alder", "Juniper", "Hawthorn", "Yew", "Aspen", "Poplar", "Cherry",
    "Chestnut", "Sycamore", "Pine", "Spruce", "Walnut", "Magnolia", "Laurel", "Acacia", "Olive",
    "Cypress", "Redwood", "Linden", "Elder", "Hornbeam", "Blackthorn", "Whitebeam",
)  # fmt: skip


@dataclass
class GroupMaker:
    """Adds groups to the factory's school; staff are hired before any group is made."""

    factory: PeopleFactory
    staff: Staff
    secondary: bool
    # Form name -> its tutor's Wonde id: a primary's form classes are taught by the tutor.
    form_tutor: dict[str, str] = field(default_factory=dict)

    @property
    def rng(self) -> random.Random:
        return self.factory.rng

    def group(self, name: str, code: str, kind: str, description: str, since: date | None) -> str:
        school = self.factory.school
        group_id = school.new_id(self.rng)
        created, updated = self.factory.history(since)
        school.groups[group_id] = {
            "id": group_id,
            "mis_id": school.next_mis_id("group"),
            "name": name,
            "code": code,
            "type": kind,
            "description": description,
            "notes": None,
            "restored_at": None,
            "created_at": created,
            "updated_at": updated,
        }
        school.group_students[group_id] = []
        school.group_employees[group_id] = []
        return group_id

    def houses(self) -> list[str]:
        houses = []
        for house, code in _HOUSES:
            group_id = self.group(house, code, "HOUSE", f"{house} House", None)
            self.factory.school.group_employees[group_id] = [self.rng.choice(self.staff.teachers)]
            houses.append(group_id)
        return houses

    def year_group(self, year: str) -> str:
        title = "Reception" if year == "R" else f"Year {year}"
        group_id = self.group(title, year, "YEAR", title, None)
        self.factory.school.group_year[group_id] = year
        self.factory.school.group_employees[group_id] = [self.rng.choice(self.staff.teachers)]
        return group_id

    def forms(self, sizes: dict[str, int]) -> dict[str, list[str]]:
        """Registration groups per year: '7AB' after the tutor's initials; trees in a primary."""
        rng, school, staff = self.rng, self.factory.school, self.staff
        rollover = date(self.factory.academic_start, 7, 20)
        if self.secondary:
            tutors = [t for d, ts in staff.by_department.items() for t in ts[1:]]
        else:
            tutors = list(staff.by_department.get(staffing.CLASS_TEACHERS, []))
        rng.shuffle(tutors)
        used: set[str] = set()
        trees = iter(_FORM_TREES)
        forms: dict[str, list[str]] = {}
        position = 0
        for year, size in sizes.items():
            forms[year] = []
            for _ in range(max(1, math.ceil(size / FORM_SIZE))):
                tutor = tutors[position % len(tutors)] if tutors else rng.choice(staff.teachers)
                position += 1
                if self.secondary:
                    person = school.employees[tutor]
                    label = _form_name(year, person["forename"], person["surname"], used)
                    code, description = label, f"{label} ({person['title']} {person['surname']})"
                else:
                    tree = next(trees, None) or f"Class {position}"
                    label, code = tree, tree[:3].upper() + str(position)
                    description = f"{'Reception' if year == 'R' else 'Year ' + year} {tree}"
                group_id = self.group(label, code, "REGISTRATION", description, rollover)
                school.group_year[group_id] = year
                school.group_employees[group_id] = [tutor]
                self.form_tutor[label] = tutor
                forms[year].append(group_id)
        return forms

    def department_groups(self) -> None:
        """A secondary's departments, as groups of their staff."""
        if not self.secondary:
            return
        for department, members in self.staff.by_department.items():
            code = "".join(word[0] for word in department.split()).upper()
            group_id = self.group(department, code, "DEPARTMENT", f"{department} Department", None)
            self.factory.school.group_employees[group_id] = list(members)

    def activity_groups(self, year_groups: list[str], forms: dict[str, list[str]]) -> None:
        """A couple of the extra groups schools keep: school council, a club, interventions."""
        rng, school = self.rng, self.factory.school
        council = self.group("School Council", "SC", "MISC", "School Council", None)
        school.group_students[council] = [
            pupil
            for form_ids in forms.values()
            for form_id in form_ids
            for pupil in rng.sample(
                school.group_students[form_id],
                k=min(2, len(school.group_students[form_id])),
            )
        ]
        school.group_employees[council] = [rng.choice(self.staff.teachers)]
        if self.secondary:
            name, pool = "Year 11 Intervention", school.group_students[year_groups[4]]
        else:
            name, pool = (
                "Breakfast Club",
                [p for g in year_groups for p in school.group_students[g]],
            )
        club = self.group(name, name[:3].upper(), "USER", name, None)
        school.group_students[club] = rng.sample(pool, k=min(30, len(pool)))
        if self.staff.assistants:
            school.group_employees[club] = [rng.choice(self.staff.assistants)]


def _form_name(year: str, forename: str, surname: str, used: set[str]) -> str:
    first = names.ascii_fold(forename)[:1].upper() or "X"
    letters = [ch.upper() for ch in names.ascii_fold(surname) if ch.isalpha()] or ["X"]
    for candidate in (
        f"{year}{first}{letters[0]}",
        f"{year}{first}{''.join(letters[:2])}",
        *(f"{year}{first}{letters[0]}{n}" for n in range(2, 99)),
    ):
        if candidate not in used:
            used.add(candidate)
            return candidate
    raise RuntimeError("ran out of form names")
