"""Households: a pupil's family (surname, address, house) and its contacts, usually parents.

Siblings share one household, so they share its contacts, address and home phone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schoolsync.sandbox import names
from schoolsync.sandbox.identifiers import upi
from schoolsync.sandbox.names import Gender, Heritage
from schoolsync.sandbox.people import PeopleFactory
from schoolsync.sandbox.places import PERSONAL_EMAIL_DOMAINS, empty_address, home_address, landline

Record = dict[str, Any]


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


def new_household(factory: PeopleFactory) -> Household:
    """A family with no contacts yet (`add_contacts` adds them)."""
    rng = factory.rng
    origin = names.pick_heritage(rng)
    family = names.surname(rng, origin)
    if rng.random() < 0.05 and " " not in family:
        family = names.double_barrelled(rng, family)
    return Household(
        origin=origin,
        surname=family,
        address=home_address(rng, factory.place),
        home_phone=landline(rng, factory.place) if rng.random() < 0.45 else None,
    )


def add_contacts(factory: PeopleFactory, household: Household) -> None:
    """One or two contacts, usually parents, with Wonde's relationship flags."""
    rng = factory.rng
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
        contact_id, email = _contact(factory, household, label, gender, shared_email)
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
    factory: PeopleFactory,
    household: Household,
    label: str,
    gender: Gender,
    shared_email: str | None,
) -> tuple[str, str | None]:
    rng, school = factory.rng, factory.school
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
    created, updated = factory.history()
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
        email = _personal_email(factory, forename, family)
    lives_here = not label.startswith("Grand") or rng.random() < 0.3
    school.contact_details[contact_id] = {
        "emails": {"email": email, "primary": email, "home": email, "work": None},
        "phones": factory.phones(
            home=household.home_phone if lives_here else None,
            mobile_chance=0.93,
            work_chance=0.2,
        ),
        "addresses": {
            "home": dict(household.address) if lives_here else home_address(rng, factory.place),
            "work": empty_address(),
        },
    }
    return contact_id, email


def _personal_email(factory: PeopleFactory, forename: str, family: str) -> str:
    rng = factory.rng
    first, last = names.email_part(forename), names.email_part(family)
    style = rng.randrange(4)
    local = (
        f"{first}.{last}",
        f"{first[:1]}{last}{rng.randint(1, 99)}",
        f"{first}{last}",
        f"{last}.{first}{rng.randint(70, 99)}",
    )[style]
    return f"{local}@{rng.choice(PERSONAL_EMAIL_DOMAINS)}"
