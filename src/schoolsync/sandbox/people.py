"""Pupils, their families, and staff, written into a SandboxSchool in Wonde's shapes.

`PeopleFactory` is shared by the generator (a whole school) and by `changes` (a new joiner),
so a pupil who arrives mid-year looks exactly like one who was there all along.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from schoolsync.sandbox import names
from schoolsync.sandbox.datetimes import wonde_date, wonde_datetime
from schoolsync.sandbox.identifiers import upi, upn
from schoolsync.sandbox.names import Gender, Heritage
from schoolsync.sandbox.places import (
    PERSONAL_EMAIL_DOMAINS,
    Locale,
    empty_address,
    home_address,
    landline,
    mobile,
)
from schoolsync.sandbox.state import SandboxSchool

Record = dict[str, Any]

# National Curriculum years as a MIS spells them; "R" is Reception.
NC_YEARS = ("R", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13")

# A handful of pupils are recorded with neither MALE nor FEMALE; clients must cope.
_OTHER_GENDERS = ("OTHER", "UNKNOWN", "NOT STATED")
_BINARY: tuple[Gender, ...] = ("MALE", "FEMALE")

_SEN_NEEDS = (
    ("SEMH", "Social, Emotional and Mental Health", 24),
    ("SLCN", "Speech, Language and Communication Needs", 22),
    ("SPLD", "Specific Learning Difficulty", 14),
    ("ASD", "Autistic Spectrum Disorder", 14),
    ("MLD", "Moderate Learning Difficulty", 12),
    ("PD", "Physical Disability", 4),
    ("HI", "Hearing Impairment", 2),
    ("VI", "Visual Impairment", 2),
    ("SLD", "Severe Learning Difficulty", 2),
    ("OTH", "Other Difficulty/Disability", 4),
)

# Home languages by heritage, for EAL: (language, share of families speaking it at home).
_HOME_LANGUAGE: dict[str, tuple[str, float]] = {
    "south_asian": ("Urdu", 0.55), "west_african": ("Yoruba", 0.35), "polish": ("Polish", 0.8),
    "chinese": ("Chinese", 0.6), "vietnamese": ("Vietnamese", 0.75),
    "iberian": ("Portuguese", 0.5), "north_european": ("Dutch", 0.4),
    "french": ("French", 0.5), "turkish_somali": ("Turkish", 0.6),
    "romanian": ("Romanian", 0.8), "welsh": ("Welsh", 0.3),
}  # fmt: skip

_ETHNICITY = {
    "english": "WBRI", "scottish": "WBRI", "welsh": "WBRI", "irish": "WIRI",
    "caribbean": "BCRB", "south_asian": "APKN", "west_african": "BAFR", "polish": "WOTH",
    "chinese": "CHNE", "vietnamese": "AOTH", "iberian": "WOTH", "north_european": "WOTH",
    "french": "WOTH", "turkish_somali": "OOTH", "romanian": "WROM",
}  # fmt: skip


def academic_year_start(moment: datetime) -> int:
    """The calendar year in which the current English school year began (1 September)."""
    return moment.year if moment.month >= 9 else moment.year - 1


def year_index(nc_year: str) -> int:
    return 0 if nc_year == "R" else int(nc_year)


@dataclass
class Household:
    """A family: shared surname, address, contacts and house across siblings."""

    origin: Heritage
    surname: str
    address: Record
    home_phone: str | None
    house: str | None = None
    # (contact id, relationship) in priority order; siblings share them.
    contacts: list[tuple[str, Record]] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


@dataclass
class PeopleFactory:
    school: SandboxSchool
    rng: random.Random
    place: Locale
    # "Now" for everything generated: records were created and updated before it.
    anchor: datetime
    # (LA, establishment) of the schools that allocated pupils' UPNs (feeder primaries).
    upn_sources: list[tuple[str, str]]
    # When the school started using Wonde: no record was created before it.
    connected: datetime
    upn_serials: dict[tuple[str, str, int], int] = field(default_factory=dict)

    @property
    def academic_start(self) -> int:
        return academic_year_start(self.anchor)

    # --- timestamps ---------------------------------------------------------------------

    def _moment(self, day: date) -> datetime:
        """A working-hours moment on `day`, in UTC."""
        seconds = self.rng.randint(7 * 3600, 18 * 3600)
        return datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=seconds)

    def history(self, arrived: date | None = None) -> tuple[Record, Record]:
        """(created_at, updated_at) for a record that has existed since `arrived`."""
        earliest = self.connected if arrived is None else max(self.connected, self._moment(arrived))
        earliest = min(earliest, self.anchor - timedelta(days=1))
        span = max(1, int((self.anchor - earliest).total_seconds()))
        created = earliest + timedelta(seconds=self.rng.randint(0, min(span, 3 * 86_400)))
        # Most records were touched by recent MIS activity (year rollover, data checks).
        latest_gap = self.rng.randint(3_600, 120 * 86_400)
        updated = max(created, self.anchor - timedelta(seconds=latest_gap))
        return wonde_datetime(created), wonde_datetime(updated)

    # --- households -----------------------------------------------------------------------

    def household(self) -> Household:
        origin = names.pick_heritage(self.rng)
        family = names.surname(self.rng, origin)
        if self.rng.random() < 0.05 and " " not in family:
            family = names.double_barrelled(self.rng, family)
        return Household(
            origin=origin,
            surname=family,
            address=home_address(self.rng, self.place),
            home_phone=landline(self.rng, self.place) if self.rng.random() < 0.45 else None,
        )

    def add_contacts(self, household: Household) -> None:
        """One or two contacts, usually parents, with Wonde's relationship flags."""
        rng = self.rng
        first_gender: Gender = "FEMALE" if rng.random() < 0.8 else "MALE"
        roles: list[tuple[str, Gender]] = [
            ("Mother" if first_gender == "FEMALE" else "Father", first_gender)
        ]
        if rng.random() < 0.75:
            other: Gender = "MALE" if first_gender == "FEMALE" else "FEMALE"
            kind = rng.choices(("parent", "step", "grand", "carer"), weights=(78, 10, 9, 3))[0]
            label = {
                "parent": "Father" if other == "MALE" else "Mother",
                "step": "Step Father" if other == "MALE" else "Step Mother",
                "grand": "Grandfather" if other == "MALE" else "Grandmother",
                "carer": "Carer",
            }[kind]
            roles.append((label, other))
        elif rng.random() < 0.04:
            roles[0] = (rng.choice(("Foster Carer", "Aunt", "Grandmother")), "FEMALE")
        shared_email: str | None = None
        for priority, (label, gender) in enumerate(roles, start=1):
            contact_id, email = self._contact(household, label, gender, shared_email)
            if priority == 1 and rng.random() < 0.05:
                shared_email = email  # both parents on one family address
            parent = label in ("Mother", "Father")
            separated = priority == 2 and rng.random() < 0.15
            household.contacts.append(
                (
                    contact_id,
                    {
                        "bill_payer": priority == 1,
                        "lives_with_pupil": not separated,
                        "email_bills": priority == 1 and email is not None,
                        "copy_bills": False,
                        "court_order": label == "Foster Carer",
                        "pupil_report": parent or priority == 1,
                        "parental_responsibility": parent
                        or label.startswith("Step")
                        or label == "Foster Carer",
                        "correspondence": priority == 1 or not separated,
                        "priority": priority,
                        "relationship": label,
                    },
                )
            )

    def _contact(
        self, household: Household, label: str, gender: Gender, shared_email: str | None
    ) -> tuple[str, str | None]:
        rng, school = self.rng, self.school
        origin = household.origin if rng.random() < 0.9 else names.pick_heritage(rng)
        forename = names.adult_forename(rng, origin, gender)
        parts = household.surname.split("-")
        if len(parts) == 2 and " " not in household.surname:
            family = parts[1] if gender == "FEMALE" else parts[0]
        elif (gender == "FEMALE" and rng.random() < 0.25) or label.startswith(("Step", "Grand")):
            family = names.surname(rng, origin)
        else:
            family = household.surname
        family = names.gendered_surname(family, gender)
        mis_id = school.next_mis_id("person")
        contact_id = school.new_id(rng)
        created, updated = self.history()
        school.contacts[contact_id] = {
            "id": contact_id,
            "mis_id": mis_id,
            "upi": upi(school.id, mis_id),
            "title": names.title_for(rng, gender),
            "initials": names.initials(forename, family),
            "surname": family,
            "forename": forename,
            "middle_names": None,
            "gender": gender,
            "date_of_birth": None,
            "created_at": created,
            "updated_at": updated,
        }
        email = shared_email
        if email is None and rng.random() < 0.88:
            email = self._personal_email(forename, family)
        lives_here = not label.startswith("Grand") or rng.random() < 0.3
        school.contact_details[contact_id] = {
            "emails": {"email": email, "primary": email, "home": email, "work": None},
            "phones": self._phones(
                home=household.home_phone if lives_here else None,
                mobile_chance=0.93,
                work_chance=0.2,
            ),
            "addresses": {
                "home": dict(household.address) if lives_here else home_address(rng, self.place),
                "work": empty_address(),
            },
        }
        return contact_id, email

    def _personal_email(self, forename: str, family: str) -> str:
        first, last = names.email_part(forename), names.email_part(family)
        style = self.rng.randrange(4)
        local = (
            f"{first}.{last}",
            f"{first[:1]}{last}{self.rng.randint(1, 99)}",
            f"{first}{last}",
            f"{last}.{first}{self.rng.randint(70, 99)}",
        )[style]
        return f"{local}@{self.rng.choice(PERSONAL_EMAIL_DOMAINS)}"

    def _phones(self, *, home: str | None, mobile_chance: float, work_chance: float) -> Record:
        rng = self.rng
        cell = mobile(rng) if rng.random() < mobile_chance else None
        work = landline(rng, self.place) if rng.random() < work_chance else None
        primary = cell or home or work
        return {"phone": primary, "primary": primary, "home": home, "work": work, "mobile": cell}

    # --- pupils ----------------------------------------------------------------------------

    def _gender(self) -> str | None:
        roll = self.rng.random()
        if roll < 0.49:
            return "MALE"
        if roll < 0.985:
            return "FEMALE"
        return self.rng.choice((*_OTHER_GENDERS, None))

    def birth_date(self, nc_year: str) -> date:
        """A birthday in the school year that puts a child in `nc_year` now."""
        born_from = date(self.academic_start - year_index(nc_year) - 5, 9, 1)
        return born_from + timedelta(days=self.rng.randrange(365))

    def upn_for(self, nc_year: str) -> str:
        """UPNs are allocated on first entry to school, by that school, in Reception."""
        la, establishment = self.rng.choice(self.upn_sources)
        allocated = self.academic_start - year_index(nc_year)
        key = (la, establishment, allocated)
        while True:
            serial = self.upn_serials.get(key, self.rng.randint(1, 40)) + self.rng.randint(1, 3)
            self.upn_serials[key] = serial
            candidate = upn(la, establishment, allocated, serial % 1000)
            if candidate not in self.school.used_upns:
                self.school.used_upns.add(candidate)
                return candidate

    def student(
        self, household: Household, nc_year: str, admitted: date, *, secondary: bool
    ) -> str:
        """A pupil, with all of a pupil's include payloads. Returns the Wonde id."""
        rng, school = self.rng, self.school
        gender = self._gender()
        # Pupils recorded as neither still get a name from one of the pools.
        pool_gender: Gender = (
            "MALE" if gender == "MALE" else "FEMALE" if gender == "FEMALE" else rng.choice(_BINARY)
        )
        legal_forename = names.child_forename(rng, household.origin, pool_gender)
        forename = legal_forename
        if legal_forename in names.PREFERRED_FORMS and rng.random() < 0.4:
            forename = names.PREFERRED_FORMS[legal_forename]
        middles = [
            names.child_forename(rng, household.origin, pool_gender)
            for _ in range(rng.choices((0, 1, 2), weights=(40, 52, 8))[0])
        ]
        middles = [m for m in dict.fromkeys(middles) if m != legal_forename]
        family = names.gendered_surname(household.surname, pool_gender)
        legal_surname = family if rng.random() > 0.02 else names.surname(rng, household.origin)
        mis_id = school.next_mis_id("person")
        student_id = school.new_id(rng)
        created, updated = self.history(admitted)
        school.students[student_id] = {
            "id": student_id,
            "upi": upi(school.id, mis_id),
            "mis_id": mis_id,
            "initials": names.initials(forename, family),
            "surname": family,
            "forename": forename,
            "middle_names": " ".join(middles) or None,
            "legal_surname": legal_surname,
            "legal_forename": legal_forename,
            "gender": gender,
            "date_of_birth": wonde_date(self.birth_date(nc_year)),
            "restored_at": None,
            "created_at": created,
            "updated_at": updated,
        }
        household.children.append(student_id)
        school.student_contacts[student_id] = [
            {"contact": contact_id, "relationship": dict(relationship)}
            for contact_id, relationship in household.contacts
        ]
        self._education(student_id, nc_year, admitted, mis_id)
        self._extended(student_id, household)
        self._pupil_contact_details(student_id, forename, family, nc_year, household, secondary)
        self._attendance(student_id, admitted)
        return student_id

    def _education(self, student_id: str, nc_year: str, admitted: date, mis_id: str) -> None:
        rng = self.rng
        self.school.education_details[student_id] = {
            "upn": self.upn_for(nc_year),
            "former_upn": self.upn_for(nc_year) if rng.random() < 0.01 else None,
            "current_nc_year": nc_year,
            "local_upn": None,
            "admission_number": f"{int(mis_id):06d}",
            "admission_date": wonde_datetime(datetime.combine(admitted, time(), tzinfo=UTC)),
            "leaving_date": None,
            "enrolment_status": "C" if rng.random() > 0.01 else "M",
        }

    def _extended(self, student_id: str, household: Household) -> None:
        rng = self.rng
        status = rng.choices(("N", "K", "E"), weights=(84, 13.5, 2.5))[0]
        fsm = rng.random() < 0.24
        fsm6 = fsm or rng.random() < 0.08
        in_care = rng.random() < 0.006
        service = rng.random() < 0.01
        language, share = _HOME_LANGUAGE.get(household.origin.key, ("English", 0.0))
        eal = rng.random() < share
        self.school.extended_details[student_id] = {
            "sen_status": status,
            "free_school_meals": fsm,
            "free_school_meals_6": fsm6,
            "premium_pupil_indicator": fsm6 or in_care or service,
            "english_as_additional_language": eal,
            "first_language": language if eal else "English",
            "ethnicity": _ETHNICITY.get(household.origin.key, "NOBT"),
            "in_lea_care": in_care,
            "ever_in_care": in_care or rng.random() < 0.01,
            "service_children_indicator": service,
        }
        if status != "N":
            count = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
            picked: list[tuple[str, str, int]] = []
            while len(picked) < count:
                need = rng.choices(_SEN_NEEDS, weights=[w for *_, w in _SEN_NEEDS])[0]
                if need not in picked:
                    picked.append(need)
            self.school.sen_needs[student_id] = [
                {"id": self.school.new_id(rng), "type": code, "description": text, "rank": rank}
                for rank, (code, text, _) in enumerate(picked, start=1)
            ]
        else:
            self.school.sen_needs[student_id] = []

    def _pupil_contact_details(
        self,
        student_id: str,
        forename: str,
        family: str,
        nc_year: str,
        household: Household,
        secondary: bool,
    ) -> None:
        rng = self.rng
        email = None
        # Older pupils have a school account (KS4 and sixth form; upper KS2 in a primary),
        # named by entry year, surname and initial.
        year = year_index(nc_year)
        chance = (0.7 if year >= 10 else 0.0) if secondary else (0.5 if year >= 5 else 0.0)
        if chance and rng.random() < chance:
            entered = (self.academic_start - year + (7 if secondary else 0)) % 100
            email = (
                f"{entered:02d}{names.email_part(family)}{names.email_part(forename)[:1]}"
                f"@{self.school.email_domain}"
            )
        sixth_former = year >= 12
        self.school.contact_details[student_id] = {
            "emails": {"email": email, "primary": email, "home": None, "work": None},
            "phones": self._phones(
                home=household.home_phone,
                mobile_chance=0.6 if sixth_former else 0.0,
                work_chance=0.0,
            ),
            "addresses": {"home": dict(household.address), "work": empty_address()},
        }

    def _attendance(self, student_id: str, admitted: date) -> None:
        """Invented shape (Wonde documents only possible_marks): sessions since September."""
        rng = self.rng
        term_start = max(date(self.academic_start, 9, 1), admitted)
        weekdays = sum(
            1
            for offset in range(max(0, (self.anchor.date() - term_start).days))
            if (term_start + timedelta(days=offset)).weekday() < 5
        )
        possible = int(weekdays * 2 * 0.9)
        absent_rate = min(0.5, rng.expovariate(1 / 0.055))
        absences = round(possible * absent_rate)
        unauthorised = round(absences * rng.uniform(0.1, 0.45))
        self.school.attendance_summary[student_id] = {
            "possible_marks": possible,
            "present_marks": possible - absences,
            "authorised_absence_marks": absences - unauthorised,
            "unauthorised_absence_marks": unauthorised,
            "late_marks": min(possible - absences, round(rng.expovariate(1 / 3))),
        }

    # --- staff -----------------------------------------------------------------------------

    def employee(self, *, teaching: bool, role: str, started: date | None = None) -> str:
        rng, school = self.rng, self.school
        origin = names.pick_heritage(rng)
        gender: Gender = "FEMALE" if rng.random() < (0.64 if teaching else 0.72) else "MALE"
        forename = names.adult_forename(rng, origin, gender)
        family = names.gendered_surname(names.surname(rng, origin), gender)
        if rng.random() < 0.03 and " " not in family and "-" not in family:
            family = names.double_barrelled(rng, family)
        title = "Dr" if teaching and rng.random() < 0.04 else names.title_for(rng, gender)
        if rng.random() < 0.01:
            title = "Mx"
        mis_id = school.next_mis_id("person")
        employee_id = school.new_id(rng)
        if started is None:
            years_ago = min(30, int(rng.expovariate(1 / 6)))
            started = date(self.academic_start - years_ago, 9, 1)
            if rng.random() < 0.2:
                started += timedelta(days=rng.randrange(300))
        created, updated = self.history(started)
        middle = names.adult_forename(rng, origin, gender) if rng.random() < 0.4 else None
        school.employees[employee_id] = {
            "id": employee_id,
            "upi": upi(school.id, mis_id),
            "mis_id": mis_id,
            "initials": names.initials(forename, family),
            "title": title,
            "surname": family,
            "forename": forename,
            "middle_names": middle if middle != forename else None,
            "legal_surname": family,
            "legal_forename": forename,
            "gender": gender,
            "date_of_birth": wonde_date(
                date(self.anchor.year - rng.randint(23, 63), 1, 1)
                + timedelta(days=rng.randrange(365))
            ),
            "restored_at": None,
            "created_at": created,
            "updated_at": updated,
        }
        school.employment_details[employee_id] = {
            "current": True,
            "teaching_staff": teaching,
            "role_text": role,
            "employment_start_date": wonde_datetime(datetime.combine(started, time(), tzinfo=UTC)),
            "employment_end_date": None,
        }
        email = self.staff_email(forename, family)
        school.contact_details[employee_id] = {
            "emails": {"email": email, "primary": email, "home": None, "work": email},
            "phones": self._phones(home=None, mobile_chance=0.5, work_chance=0.0),
            "addresses": {"home": home_address(rng, self.place), "work": empty_address()},
        }
        return employee_id

    def staff_email(self, forename: str, family: str) -> str:
        """firstname.surname@school, numbered when two staff share a name."""
        taken = {
            details["emails"].get("work")
            for employee_id in self.school.employees
            if (details := self.school.contact_details.get(employee_id))
            and isinstance(details.get("emails"), dict)
        }
        local = f"{names.email_part(forename)}.{names.email_part(family)}"
        candidate, number = f"{local}@{self.school.email_domain}", 1
        while candidate in taken:
            number += 1
            candidate = f"{local}{number}@{self.school.email_domain}"
        return candidate
