"""generate_school: a whole, realistic UK school from a seed.

The size decides the phase: under `PRIMARY_LIMIT` pupils it is a primary (Reception to Year 6),
otherwise an 11-18 secondary. Everything is drawn from one `random.Random`, and every timestamp
is relative to one reading of the clock, so the same seed, size and clock give byte-identical
API output: the order of the steps in `build` is part of that, so keep it.

This module builds the school and its pupils; the rest is drawn by one module each: `staffing`
(who works there), `groups` (houses, years, forms, departments), `curriculum` (which classes
each year has) and `teaching_classes` (the classes and who teaches them).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from schoolsync.sandbox import curriculum, names, staffing
from schoolsync.sandbox.curriculum import SUBJECT_NAMES, ClassPlan
from schoolsync.sandbox.datetimes import to_utc, utc_now, wonde_datetime
from schoolsync.sandbox.families import Household, add_contacts, new_household
from schoolsync.sandbox.groups import FORM_SIZE, GroupMaker
from schoolsync.sandbox.people import PeopleFactory
from schoolsync.sandbox.places import LOCALES, Locale, school_address
from schoolsync.sandbox.pupils import add_pupil
from schoolsync.sandbox.school_year import NC_YEARS, academic_year_start
from schoolsync.sandbox.staffing import Staff
from schoolsync.sandbox.state import SandboxSchool
from schoolsync.sandbox.teaching_classes import add_classes

Record = dict[str, Any]

PRIMARY_LIMIT = 700


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
        staff = self._hire(years, sizes)
        groups = GroupMaker(self.factory, staff, self.secondary)
        houses = groups.houses()
        year_groups = {year: groups.year_group(year) for year in years}
        forms = groups.forms(sizes)
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
        add_classes(
            self.factory,
            staff,
            plans,
            self.subject_ids,
            groups.form_tutor,
            secondary=self.secondary,
        )
        groups.department_groups()
        groups.activity_groups(list(year_groups.values()), forms)
        return self.school

    def _hire(self, years: tuple[str, ...], sizes: dict[str, int]) -> Staff:
        if self.secondary:
            return staffing.hire_secondary(self.factory, self.rng, self.pupils)
        form_count = sum(math.ceil(size / FORM_SIZE) for size in sizes.values())
        key_stage_2 = any(year not in ("R", "1", "2") for year in years)
        return staffing.hire_primary(self.factory, self.rng, form_count, key_stage_2)

    def _year_sizes(self, years: tuple[str, ...]) -> dict[str, int]:
        weights = [0.8 if year in ("12", "13") else 1.0 for year in years]
        exact = [self.pupils * w / sum(weights) for w in weights]
        sizes = [math.floor(x) for x in exact]
        by_remainder = sorted(range(len(years)), key=lambda i: exact[i] - sizes[i], reverse=True)
        for index in by_remainder[: self.pupils - sum(sizes)]:
            sizes[index] += 1
        return dict(zip(years, sizes, strict=True))

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
            student_id = add_pupil(
                self.factory, household, year, self._admitted(year), secondary=self.secondary
            )
            members.append(student_id)
            if household.house:
                self.school.group_students[household.house].append(student_id)
        rng.shuffle(members)
        return members

    def _household(self, houses: list[str]) -> Household:
        household = new_household(self.factory)
        household.house = self.rng.choice(houses)
        staff_parent = None
        if self.rng.random() < 0.012:
            staff_parent = self.rng.choice(list(self.school.employees.values()))
            household.surname = staff_parent["surname"]
        add_contacts(self.factory, household)
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
