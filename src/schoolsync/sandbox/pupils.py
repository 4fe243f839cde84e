"""A pupil: the student record and the include payloads every pupil has.

The pupil context (SEN, FSM, EAL, attendance) is drawn in `pupil_context`; this module draws
who the pupil is: names, gender, date of birth, UPN, admission, and a school email for older
pupils.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from schoolsync.sandbox import names, pupil_context
from schoolsync.sandbox.datetimes import wonde_date, wonde_datetime
from schoolsync.sandbox.families import Household
from schoolsync.sandbox.identifiers import upi, upn
from schoolsync.sandbox.names import Gender
from schoolsync.sandbox.people import PeopleFactory
from schoolsync.sandbox.places import empty_address
from schoolsync.sandbox.school_year import year_index

# A handful of pupils are recorded with neither MALE nor FEMALE; clients must cope.
_OTHER_GENDERS = ("OTHER", "UNKNOWN", "NOT STATED")
_BINARY: tuple[Gender, ...] = ("MALE", "FEMALE")


def add_pupil(
    factory: PeopleFactory,
    household: Household,
    nc_year: str,
    admitted: date,
    *,
    secondary: bool,
) -> str:
    """A pupil of `household` in `nc_year`, with all of a pupil's include payloads.

    Returns the pupil's Wonde id.
    """
    rng, school = factory.rng, factory.school
    gender = _gender(factory)
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
    pupil_id = school.new_id(rng)
    created, updated = factory.history(admitted)
    school.students[pupil_id] = {
        "id": pupil_id,
        "upi": upi(school.id, mis_id),
        "mis_id": mis_id,
        "initials": names.initials(forename, family),
        "surname": family,
        "forename": forename,
        "middle_names": " ".join(middles) or None,
        "legal_surname": legal_surname,
        "legal_forename": legal_forename,
        "gender": gender,
        "date_of_birth": wonde_date(birth_date(factory, nc_year)),
        "restored_at": None,
        "created_at": created,
        "updated_at": updated,
    }
    household.children.append(pupil_id)
    school.student_contacts[pupil_id] = [
        {"contact": contact_id, "relationship": dict(relationship)}
        for contact_id, relationship in household.contacts
    ]
    _education(factory, pupil_id, nc_year, admitted, mis_id)
    pupil_context.add_extended_details(factory, pupil_id, household.origin.key)
    _contact_details(factory, pupil_id, forename, family, nc_year, household, secondary)
    pupil_context.add_attendance(factory, pupil_id, admitted)
    return pupil_id


def _gender(factory: PeopleFactory) -> str | None:
    roll = factory.rng.random()
    if roll < 0.49:
        return "MALE"
    if roll < 0.985:
        return "FEMALE"
    return factory.rng.choice((*_OTHER_GENDERS, None))


def birth_date(factory: PeopleFactory, nc_year: str) -> date:
    """A birthday in the school year that puts a child in `nc_year` now."""
    born_from = date(factory.academic_start - year_index(nc_year) - 5, 9, 1)
    return born_from + timedelta(days=factory.rng.randrange(365))


def upn_for(factory: PeopleFactory, nc_year: str) -> str:
    """UPNs are allocated on first entry to school, by that school, in Reception."""
    rng = factory.rng
    la, establishment = rng.choice(factory.upn_sources)
    allocated = factory.academic_start - year_index(nc_year)
    key = (la, establishment, allocated)
    while True:
        serial = factory.upn_serials.get(key, rng.randint(1, 40)) + rng.randint(1, 3)
        factory.upn_serials[key] = serial
        candidate = upn(la, establishment, allocated, serial % 1000)
        if candidate not in factory.school.used_upns:
            factory.school.used_upns.add(candidate)
            return candidate


def _education(
    factory: PeopleFactory, pupil_id: str, nc_year: str, admitted: date, mis_id: str
) -> None:
    rng = factory.rng
    factory.school.education_details[pupil_id] = {
        "upn": upn_for(factory, nc_year),
        "former_upn": upn_for(factory, nc_year) if rng.random() < 0.01 else None,
        "current_nc_year": nc_year,
        "local_upn": None,
        "admission_number": f"{int(mis_id):06d}",
        "admission_date": wonde_datetime(datetime.combine(admitted, time(), tzinfo=UTC)),
        "leaving_date": None,
        "enrolment_status": "C" if rng.random() > 0.01 else "M",
    }


def _contact_details(
    factory: PeopleFactory,
    pupil_id: str,
    forename: str,
    family: str,
    nc_year: str,
    household: Household,
    secondary: bool,
) -> None:
    rng, school = factory.rng, factory.school
    email = None
    # Older pupils have a school account (KS4 and sixth form; upper KS2 in a primary),
    # named by entry year, surname and initial.
    year = year_index(nc_year)
    chance = (0.7 if year >= 10 else 0.0) if secondary else (0.5 if year >= 5 else 0.0)
    if chance and rng.random() < chance:
        entered = (factory.academic_start - year + (7 if secondary else 0)) % 100
        email = (
            f"{entered:02d}{names.email_part(family)}{names.email_part(forename)[:1]}"
            f"@{school.email_domain}"
        )
    sixth_former = year >= 12
    school.contact_details[pupil_id] = {
        "emails": {"email": email, "primary": email, "home": None, "work": None},
        "phones": factory.phones(
            home=household.home_phone,
            mobile_chance=0.6 if sixth_former else 0.0,
            work_chance=0.0,
        ),
        "addresses": {"home": dict(household.address), "work": empty_address()},
    }
