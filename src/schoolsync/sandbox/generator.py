"""generate_school: a whole, realistic UK school from a seed.

The size decides the phase: under `PRIMARY_LIMIT` pupils it is a primary (Reception to Year 6),
otherwise an 11-18 secondary. Everything is drawn from one `random.Random`, and every timestamp
is relative to one reading of the clock, so the same seed, size and clock give byte-identical
API output.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from schoolsync.sandbox import curriculum, names, staffing
from schoolsync.sandbox.curriculum import DEPARTMENTS, SUBJECT_NAMES, ClassPlan
from schoolsync.sandbox.datetimes import to_utc, utc_now, wonde_datetime
from schoolsync.sandbox.people import NC_YEARS, Household, PeopleFactory, academic_year_start
from schoolsync.sandbox.places import LOCALES, Locale, school_address
from schoolsync.sandbox.staffing import Staff
from schoolsync.sandbox.state import SandboxSchool

Record = dict[str, Any]

PRIMARY_LIMIT = 700
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


def generate_school(
    seed: int = 1,
    pupils: int = 2000,
    school_id: str | None = None,
    name: str | None = None,
    *,
    now: Callable[[], datetime] | None = None,
) -> SandboxSchool:
    """A school of about `pupils` pupils (exactly that many students), deterministic by seed."""
    if pupils < 1:
        raise ValueError("a school needs at least one pupil")
    return _Builder(seed, pupils, school_id, name, now or utc_now).build()


class _Builder:
    def __init__(
        self,
        seed: int,
        pupils: int,
        school_id: str | None,
        name: str | None,
        clock: Callable[[], datetime],
    ) -> None:
        # Seeded by size too, so a 300-pupil school is not a prefix of a 2,000-pupil one.
        self.rng = rng = random.Random(f"schoolsync-sandbox/{seed}/{pupils}")
        self.pupils = pupils
        self.secondary = pupils >= PRIMARY_LIMIT
        self.anchor = to_utc(clock())
        self.place: Locale = rng.choice(LOCALES)
        # Drawn even when given, so overriding a name changes nothing else.
        drawn_id = f"A{rng.randrange(1_000_000_000, 2_000_000_000)}"
        drawn_name = rng.choice(
            self.place.school_names if self.secondary else self.place.primary_names
        )
        self.school_name = name or drawn_name
        establishment = f"{rng.randint(4000, 4999) if self.secondary else rng.randint(2000, 3999)}"
        urn = rng.randint(100_000, 149_999)
        domain = names.email_part(self.school_name).replace("-", "") + ".example.org"
        self.school = SandboxSchool(
            profile={
                "id": school_id or drawn_id,
                "name": self.school_name,
                "establishment_number": establishment,
                "urn": urn,
                "phase_of_education": "SECONDARY" if self.secondary else "PRIMARY",
                "la_code": self.place.la_code,
                "timezone": "Europe/London",
                "mis": "SIMS",
                "address": school_address(rng, self.place),
                "extended": {
                    "allows_writeback": True,
                    "has_timetables": self.secondary,
                    "has_lesson_attendance": self.secondary,
                    "audit_approved_at": wonde_datetime(
                        self.anchor - timedelta(days=rng.randint(400, 1200))
                    ),
                },
            },
            email_domain=domain,
            now=clock,
            locale=self.place.key,
        )
        self.school.upn_sources = self._upn_sources(establishment)
        self.factory = PeopleFactory(
            school=self.school,
            rng=rng,
            place=self.place,
            anchor=self.anchor,
            upn_sources=self.school.upn_sources,
            connected=self.anchor - timedelta(days=rng.randint(900, 1400)),
        )
        self.start = academic_year_start(self.anchor)
        self.subject_ids: dict[str, str] = {}
        self.staff: Staff | None = None
        self.form_tutor: dict[str, str] = {}

    def _upn_sources(self, establishment: str) -> list[tuple[str, str]]:
        """Feeder primaries allocate a secondary's UPNs; a primary allocates its own."""
        rng, la = self.rng, self.place.la_code
        others = [
            (rng.choice([p.la_code for p in LOCALES]), str(rng.randint(2000, 3999)))
            for _ in range(3)
        ]
        if self.secondary:
            feeders = [(la, str(rng.randint(2000, 3999))) for _ in range(14)]
            return feeders + others
        return [(la, establishment)] * 12 + others

    # --- the whole school -----------------------------------------------------------------

    def build(self) -> SandboxSchool:
        years = NC_YEARS[7:] if self.secondary else NC_YEARS[:7]
        self._subjects()
        sizes = self._year_sizes(years)
        if self.secondary:
            self.staff = staffing.hire_secondary(self.factory, self.rng, self.pupils)
        else:
            form_count = sum(math.ceil(size / FORM_SIZE) for size in sizes.values())
            key_stage_2 = any(year not in ("R", "1", "2") for year in years)
            self.staff = staffing.hire_primary(self.factory, self.rng, form_count, key_stage_2)
        houses = self._houses()
        year_groups = {year: self._year_group(year) for year in years}
        forms = self._forms(sizes)
        households: list[Household] = []
        plans: list[ClassPlan] = []
        for year, size in sizes.items():
            members = self._pupils(year, size, households, houses)
            self.school.group_students[year_groups[year]] = list(members)
            form_members = curriculum.split(members, math.ceil(len(members) / len(forms[year])))
            while len(form_members) < len(forms[year]):
                form_members.append([])
            named_forms: list[tuple[str, list[str]]] = []
            for group_id, pupils in zip(forms[year], form_members, strict=True):
                self.school.group_students[group_id] = pupils
                named_forms.append((self.school.groups[group_id]["name"], pupils))
            if self.secondary:
                plans += curriculum.secondary_plans(self.rng, year, [p for _, p in named_forms])
            else:
                plans += curriculum.primary_plans(self.rng, year, named_forms)
        self._classes(plans)
        self._department_groups()
        self._activity_groups(list(year_groups.values()), forms)
        return self.school

    def _year_sizes(self, years: tuple[str, ...]) -> dict[str, int]:
        weights = [0.8 if year in ("12", "13") else 1.0 for year in years]
        exact = [self.pupils * w / sum(weights) for w in weights]
        sizes = [math.floor(x) for x in exact]
        by_remainder = sorted(range(len(years)), key=lambda i: exact[i] - sizes[i], reverse=True)
        for index in by_remainder[: self.pupils - sum(sizes)]:
            sizes[index] += 1
        return dict(zip(years, sizes, strict=True))

    @property
    def _staff(self) -> Staff:
        if self.staff is None:
            raise RuntimeError("staff are hired before anything that needs them")
        return self.staff

    # --- subjects ------------------------------------------------------------------

    def _subjects(self) -> None:
        catalogue = curriculum.SECONDARY_SUBJECTS if self.secondary else curriculum.PRIMARY_SUBJECTS
        for code in catalogue:
            subject_id = self.school.new_id(self.rng)
            created, updated = self.factory.history()
            self.school.subjects[subject_id] = {
                "id": subject_id,
                "mis_id": self.school.next_mis_id("subject"),
                "code": code,
                "name": SUBJECT_NAMES[code],
                "active": True,
                "created_at": created,
                "updated_at": updated,
            }
            self.subject_ids[code] = subject_id

    # --- groups ---------------------------------------------------------------------------

    def _group(self, name: str, code: str, kind: str, description: str, since: date | None) -> str:
        group_id = self.school.new_id(self.rng)
        created, updated = self.factory.history(since)
        self.school.groups[group_id] = {
            "id": group_id,
            "mis_id": self.school.next_mis_id("group"),
            "name": name,
            "code": code,
            "type": kind,
            "description": description,
            "notes": None,
            "restored_at": None,
            "created_at": created,
            "updated_at": updated,
        }
        self.school.group_students[group_id] = []
        self.school.group_employees[group_id] = []
        return group_id

    def _houses(self) -> list[str]:
        houses = []
        for house, code in _HOUSES:
            group_id = self._group(house, code, "HOUSE", f"{house} House", None)
            self.school.group_employees[group_id] = [self.rng.choice(self._staff.teachers)]
            houses.append(group_id)
        return houses

    def _year_group(self, year: str) -> str:
        title = "Reception" if year == "R" else f"Year {year}"
        group_id = self._group(title, year, "YEAR", title, None)
        self.school.group_year[group_id] = year
        self.school.group_employees[group_id] = [self.rng.choice(self._staff.teachers)]
        return group_id

    def _forms(self, sizes: dict[str, int]) -> dict[str, list[str]]:
        """Registration groups: '7AB' after the tutor's initials, or a tree in a primary."""
        rng = self.rng
        rollover = date(self.start, 7, 20)
        if self.secondary:
            tutors = [t for d, ts in self._staff.by_department.items() for t in ts[1:]]
        else:
            tutors = list(self._staff.by_department.get(staffing.CLASS_TEACHERS, []))
        rng.shuffle(tutors)
        used: set[str] = set()
        trees = iter(_FORM_TREES)
        forms: dict[str, list[str]] = {}
        position = 0
        for year, size in sizes.items():
            forms[year] = []
            for _ in range(max(1, math.ceil(size / FORM_SIZE))):
                tutor = (
                    tutors[position % len(tutors)] if tutors else rng.choice(self._staff.teachers)
                )
                position += 1
                if self.secondary:
                    person = self.school.employees[tutor]
                    label = self._form_name(year, person["forename"], person["surname"], used)
                    code, description = label, f"{label} ({person['title']} {person['surname']})"
                else:
                    tree = next(trees, None) or f"Class {position}"
                    label, code = tree, tree[:3].upper() + str(position)
                    description = f"{'Reception' if year == 'R' else 'Year ' + year} {tree}"
                group_id = self._group(label, code, "REGISTRATION", description, rollover)
                self.school.group_year[group_id] = year
                self.school.group_employees[group_id] = [tutor]
                self.form_tutor[label] = tutor
                forms[year].append(group_id)
        return forms

    @staticmethod
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

    def _department_groups(self) -> None:
        if not self.secondary:
            return
        for department, members in self._staff.by_department.items():
            code = "".join(word[0] for word in department.split()).upper()
            group_id = self._group(department, code, "DEPARTMENT", f"{department} Department", None)
            self.school.group_employees[group_id] = list(members)

    def _activity_groups(self, year_groups: list[str], forms: dict[str, list[str]]) -> None:
        """A couple of the extra groups schools keep: school council, a club, interventions."""
        rng = self.rng
        council = self._group("School Council", "SC", "MISC", "School Council", None)
        self.school.group_students[council] = [
            pupil
            for form_ids in forms.values()
            for form_id in form_ids
            for pupil in rng.sample(
                self.school.group_students[form_id],
                k=min(2, len(self.school.group_students[form_id])),
            )
        ]
        self.school.group_employees[council] = [rng.choice(self._staff.teachers)]
        if self.secondary:
            name, pool = "Year 11 Intervention", self.school.group_students[year_groups[4]]
        else:
            name, pool = (
                "Breakfast Club",
                [p for g in year_groups for p in self.school.group_students[g]],
            )
        club = self._group(name, name[:3].upper(), "USER", name, None)
        self.school.group_students[club] = rng.sample(pool, k=min(30, len(pool)))
        if self._staff.assistants:
            self.school.group_employees[club] = [rng.choice(self._staff.assistants)]

    # --- pupils ---------------------------------------------------------------------------

    def _admitted(self, year: str) -> date:
        """First day at this school: Reception (primary), Year 7, or Year 12 for some."""
        rng = self.rng
        index = 0 if year == "R" else int(year)
        entry = 0 if not self.secondary else (12 if index >= 12 and rng.random() < 0.3 else 7)
        start_of_entry = date(self.start - (index - entry), 9, 1)
        if rng.random() < 0.07:  # joined mid-phase
            span = max(1, (self.anchor.date() - start_of_entry).days - 1)
            return start_of_entry + timedelta(days=rng.randrange(span))
        return start_of_entry

    def _pupils(
        self, year: str, size: int, households: list[Household], houses: list[str]
    ) -> list[str]:
        rng = self.rng
        members: list[str] = []
        for _ in range(size):
            if households and rng.random() < 0.16:
                household = rng.choice(households)
            else:
                household = self._household(houses)
                households.append(household)
            student_id = self.factory.student(
                household, year, self._admitted(year), secondary=self.secondary
            )
            members.append(student_id)
            if household.house:
                self.school.group_students[household.house].append(student_id)
        rng.shuffle(members)
        return members

    def _household(self, houses: list[str]) -> Household:
        household = self.factory.household()
        household.house = self.rng.choice(houses)
        staff_parent = None
        if self.rng.random() < 0.012:
            staff_parent = self.rng.choice(list(self.school.employees.values()))
            household.surname = staff_parent["surname"]
        self.factory.add_contacts(household)
        if staff_parent is not None:
            self._make_staff_parent(household, staff_parent)
        return household

    def _make_staff_parent(self, household: Household, employee: Record) -> None:
        """A member of staff whose child attends: one MIS person, so one UPI, two Wonde ids."""
        contact_id, relationship = household.contacts[0]
        contact = self.school.contacts[contact_id]
        for key in ("upi", "mis_id", "title", "initials", "surname", "forename", "gender"):
            contact[key] = employee[key]
        relationship["relationship"] = "Mother" if employee["gender"] == "FEMALE" else "Father"

    # --- classes --------------------------------------------------------------------------

    def _classes(self, plans: list[ClassPlan]) -> None:
        rng, school = self.rng, self.school
        department_of = {code: d for d, (codes, _) in DEPARTMENTS.items() for code in codes}
        academic_year = f"{self.start}/{self.start + 1}"
        rollover = date(self.start, 7, 20)
        for plan in plans:
            class_id = school.new_id(rng)
            created, updated = self.factory.history(rollover)
            school.classes[class_id] = {
                "id": class_id,
                "mis_id": school.next_mis_id("class"),
                "name": plan.name,
                "code": None,
                "description": plan.name,
                "subject": self.subject_ids[plan.subject],
                "alternative": None,
                "academic_year": academic_year,
                "year_group": plan.year,
                "restored_at": None,
                "created_at": created,
                "updated_at": updated,
            }
            school.class_students[class_id] = list(plan.students)
            if self.secondary:
                department = department_of.get(plan.subject, "")
                staff = self._staff.assign(self._staff.by_department.get(department, []))
            else:
                staff = self._primary_teacher(plan)
            school.class_employees[class_id] = staff

    def _primary_teacher(self, plan: ClassPlan) -> list[str]:
        if plan.subject == "Fr" and self._staff.by_department.get(staffing.FRENCH):
            return [self._staff.by_department[staffing.FRENCH][0]]
        tutor = self.form_tutor.get(plan.name.split("/")[0])
        if tutor is not None:
            staff = [tutor]
            if self._staff.assistants and self.rng.random() < 0.5:
                staff.append(self.rng.choice(self._staff.assistants))
            return staff
        return self._staff.assign(self._staff.by_department.get(staffing.CLASS_TEACHERS, []))
