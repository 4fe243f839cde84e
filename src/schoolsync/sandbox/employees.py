"""Staff: an employee record with its employment details and a school email address."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from schoolsync.sandbox import names
from schoolsync.sandbox.datetimes import wonde_date, wonde_datetime
from schoolsync.sandbox.identifiers import upi
from schoolsync.sandbox.names import Gender
from schoolsync.sandbox.people import PeopleFactory
from schoolsync.sandbox.places import empty_address, home_address


def add_employee(
    factory: PeopleFactory, *, teaching: bool, role: str, started: date | None = None
) -> str:
    """A member of staff in `role`, teaching or not. Returns the employee's Wonde id."""
    rng, school = factory.rng, factory.school
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
        started = date(factory.academic_start - years_ago, 9, 1)
        if rng.random() < 0.2:
            started += timedelta(days=rng.randrange(300))
    created, updated = factory.history(started)
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
            date(factory.anchor.year - rng.randint(23, 63), 1, 1)
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
    email = staff_email(factory, forename, family)
    school.contact_details[employee_id] = {
        "emails": {"email": email, "primary": email, "home": None, "work": email},
        "phones": factory.phones(home=None, mobile_chance=0.5, work_chance=0.0),
        "addresses": {"home": home_address(rng, factory.place), "work": empty_address()},
    }
    return employee_id


def staff_email(factory: PeopleFactory, forename: str, family: str) -> str:
    """firstname.surname@school, numbered when two staff share a name."""
    school = factory.school
    taken = {
        details["emails"].get("work")
        for employee_id in school.employees
        if (details := school.contact_details.get(employee_id))
        and isinstance(details.get("emails"), dict)
    }
    local = f"{names.email_part(forename)}.{names.email_part(family)}"
    candidate, number = f"{local}@{school.email_domain}", 1
    while candidate in taken:
        number += 1
        candidate = f"{local}{number}@{school.email_domain}"
    return candidate
