"""One CTF `<Pupil>` element to a pupil, their contacts and the links between them. Pure.

Every block below the names is optional (partial CTFs from DfE services carry only UPN, names,
DOB and sex) and elements are found by name in any order. How a value that cannot be read is
reported is `pupil_reading`'s; the support blocks (SEN, FSM, attendance) are read in `support`,
the contacts in `contacts`.

Identity: a CTF has no record ids of its own, so a pupil's `source_id` is their UPN (also
`upn`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from schoolsync.model import ContactLink, Issue, Person
from schoolsync.sources.ctf import codes as ctf_codes
from schoolsync.sources.ctf.contacts import read_contacts
from schoolsync.sources.ctf.pupil_reading import CtfContext, PupilReading
from schoolsync.sources.ctf.support import attendance, free_school_meals, sen
from schoolsync.sources.ctf.xml import first_text, text_of

# A letter, 11 digits, then a digit (permanent UPN) or a letter (temporary UPN).
_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


@dataclass(slots=True)
class PupilRead:
    """What one `<Pupil>` gave; `pupil` is None when it had to be left out."""

    pupil: Person | None
    contacts: list[Person] = field(default_factory=list)
    links: list[ContactLink] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    #: whether the pupil had a <Contacts> element (the section was exported)
    has_contacts_section: bool = False


def read_pupil(element: ET.Element, position: int, context: CtfContext) -> PupilRead:
    reading = PupilReading(element, position, context)
    if not reading.name:
        return _left_out(reading, "the pupil has no forename or surname; they were left out")
    if not reading.upn:
        return _left_out(
            reading, "the pupil has no UPN, which is how a CTF pupil is matched; they were left out"
        )
    if not _UPN.match(reading.upn):
        reading.warn(
            "/UPN",
            f"UPN '{reading.upn[:20]}' is not a letter, 11 digits and a digit or letter; it was "
            "used as it is",
        )
    sen_status, sen_needs = sen(reading)
    # A CTF has no preferred middle names: its MiddleNames are legal and also the ones used.
    middle_names = first_text(element, "BasicDetails/MiddleNames", "MiddleNames")
    pupil = Person(
        role="student",
        source_id=reading.upn,
        upn=reading.upn,
        forename=reading.forename or "",
        surname=reading.surname or "",
        legal_forename=reading.legal_forename,
        legal_surname=reading.legal_surname,
        middle_names=middle_names,
        legal_middle_names=middle_names,
        gender=reading.gender(element, "", field="gender"),
        date_of_birth=reading.date(element, "DOB", "date of birth", field="date_of_birth"),
        email=reading.email(element, "", reading.unreadable),
        year_group=_year_group(reading),
        sen_status=sen_status,
        sen_needs=sen_needs,
        free_school_meals=free_school_meals(reading),
        english_additional_language=_english_additional_language(element),
        attendance=attendance(reading),
        unreadable=frozenset(reading.unreadable),
    )
    contacts = read_contacts(reading)
    if contacts is None:
        return PupilRead(pupil, issues=reading.issues)
    return PupilRead(
        pupil, contacts.contacts, contacts.links, reading.issues, has_contacts_section=True
    )


def _left_out(reading: PupilReading, problem: str) -> PupilRead:
    reading.issues.append(
        Issue("student", reading.name, f"{reading.where()}: {problem}", reading.upn)
    )
    return PupilRead(None, issues=reading.issues)


def _year_group(reading: PupilReading) -> str | None:
    value = first_text(reading.element, "BasicDetails/NCyearActual", "NCyearActual")
    if value is None:
        return None
    year = ctf_codes.year_group(value)
    if year is None:
        reading.warn(
            "/BasicDetails/NCyearActual",
            f"'{value[:20]}' is not a National Curriculum year (N1, N2, R, 1 to 14 or X); "
            "the year group was ignored",
        )
        reading.unreadable.add("year_group")
    return year


def _english_additional_language(element: ET.Element) -> bool | None:
    """From the first language (LanguageType F): EAL unless it is English or believed to be
    English; unknown when the school recorded "not obtained" or "refused"."""
    for path in ("BasicDetails/Languages/Type", "Languages/Type"):
        for entry in element.findall(path):
            if (text_of(entry, "LanguageType") or "").upper() != "F":
                continue
            code = (text_of(entry, "Language") or "").upper()
            if not code or code in ctf_codes.LANGUAGE_UNKNOWN:
                return None
            return code not in ctf_codes.LANGUAGE_ENGLISH
    return None
