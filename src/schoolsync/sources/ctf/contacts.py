"""The `<Contacts>` of one CTF `<Pupil>`: the contacts and their links to the pupil. Pure.

A contact has no id of its own in a CTF: theirs is derived from what stays put, see
`contact_source_id`. A contact written twice under one pupil is read once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schoolsync.model import ContactLink, Issue, Person
from schoolsync.sources.ctf.ids import contact_source_id
from schoolsync.sources.ctf.pupil_reading import PupilReading
from schoolsync.sources.ctf.xml import text_of
from schoolsync.sources.files.values import parse_count


@dataclass(slots=True)
class ContactsRead:
    contacts: list[Person] = field(default_factory=list)
    links: list[ContactLink] = field(default_factory=list)


def read_contacts(reading: PupilReading) -> ContactsRead | None:
    """The pupil's contacts, or None when the file has no `<Contacts>` for them (the section
    was not exported, which says nothing about who their contacts are)."""
    section = reading.element.find("Contacts")
    if section is None:
        return None
    result = ContactsRead()
    seen: set[str] = set()
    for position, element in enumerate(section.findall("Contact"), start=1):
        base = f"/Contacts/Contact[{position}]"
        order_text = text_of(element, "Order") or ""
        order = parse_count(order_text)
        if order_text and order is None:
            reading.warn(f"{base}/Order", f"'{order_text[:20]}' is not a contact priority")
        forename = text_of(element, "Forename") or ""
        surname = text_of(element, "Surname") or ""
        source_id = contact_source_id(
            reading.upn, str(order) if order is not None else f"#{position}", surname, forename
        )
        if not forename and not surname:
            reading.issues.append(
                Issue(
                    "contact",
                    "",
                    f"{reading.where(base)}: the contact has no forename or surname; they "
                    "were left out",
                    source_id,
                )
            )
            continue
        if source_id in seen:
            continue  # the same contact written twice
        seen.add(source_id)
        unreadable: set[str] = set()
        email = reading.email(element, base, unreadable)
        result.contacts.append(
            Person(
                role="contact",
                source_id=source_id,
                forename=forename,
                surname=surname,
                title=text_of(element, "Title"),
                middle_names=text_of(element, "MiddleNames"),
                gender=reading.gender(element, base),
                email=email,
                unreadable=frozenset(unreadable),
            )
        )
        result.links.append(
            ContactLink(
                pupil_source_id=reading.upn,
                contact_source_id=source_id,
                relationship=(text_of(element, "Relationship") or "").upper() or None,
                priority=order,
                parental_responsibility=reading.flag(element, "Responsibility", base),
                lives_with_pupil=reading.flag(element, "Address/AddressAsPupil", base),
            )
        )
    return result
