"""DfE Common Transfer File (CTF) XML to a `Snapshot`: pupils, their contacts and the links.

    read_ctf(path, limits)   the file on disk (size-limited) -> Snapshot
    parse_ctf(data, file)    its bytes -> Snapshot (pure)

Versions 9 to 25 read the same way: root `<CTfile>`, a `<Header>` and `<CTFpupilData>` with one
`<Pupil>` each; with or without a namespace, `<Gender>` or `<Sex>`, elements in any order,
every block optional (see pupil.py for the pupil mapping). The parser refuses DTDs and
entities (xml.py). A file that cannot be read at all is a `FileFormatError`; a pupil that
cannot be used, or a value that cannot be read, is an `Issue` and the rest goes on.

What the snapshot claims:
- `complete=False`, even for DocumentQualifier "full": a CTF is the pupils someone chose to
  send (one class, the leavers, a DfE service's partial file), never a promise that everyone
  else has left. Nobody leaves because of a CTF.
- `covers` is the pupil family, plus contacts and contact links only when the file has a
  `<Contacts>` section: a partial CTF without one says nothing about contacts, and covering
  them would remove every link of every pupil in it.
- `person_fields` (the fields an update may change) are the names, UPN, sex and date of birth,
  plus each optional section the file carries for some pupil (year group, SEN, FSM, attendance,
  ...). Never the ids: a pupil first synced from Wonde keeps its Wonde id, UPI and MIS id.
- `school` is the Header's SourceSchool (the usual case is a school exporting to itself).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from schoolsync.errors import FileFormatError
from schoolsync.model import ContactLink, Issue, Person, SchoolInfo, Snapshot
from schoolsync.sources.ctf.pupil import PupilRead, read_pupil
from schoolsync.sources.ctf.pupil_reading import CtfContext
from schoolsync.sources.ctf.xml import parse_xml, text_of
from schoolsync.sources.files.bytes import read_limited
from schoolsync.sources.files.limits import DEFAULT_LIMITS, FileLimits
from schoolsync.sources.files.values import parse_date

_PUPILS = frozenset({"pupil"})
_PUPILS_AND_CONTACTS = frozenset({"pupil", "contact", "contact_link"})

#: What every CTF says of every pupil. Never its ids: source_id is the UPN only for want of
#: another, and a pupil matched to a Wonde record keeps its Wonde id, UPI and MIS id.
_ALWAYS_SAYS = frozenset(
    {"role", "upn", "forename", "surname", "legal_forename", "legal_surname", "gender",
     "date_of_birth"}
)  # fmt: skip
#: What a CTF says only when it carries it for some pupil: a section the school did not export
#: (a partial CTF has no SEN, FSM or attendance) must not blank what the store knows.
_SECTIONS: dict[str, tuple[str, ...]] = {
    "middle_names": ("middle_names", "legal_middle_names"),
    "year_group": ("year_group",),
    "sen_status": ("sen_status", "sen_needs"),
    "free_school_meals": ("free_school_meals",),
    "english_additional_language": ("english_additional_language",),
    "attendance": ("attendance",),
    "email": ("email",),
}


def read_ctf(path: Path, limits: FileLimits = DEFAULT_LIMITS) -> Snapshot:
    return parse_ctf(read_limited(path, limits.max_file_bytes), path.name)


def parse_ctf(data: bytes, file: str = "CTF.xml") -> Snapshot:
    root = parse_xml(data, file)
    if root.tag != "CTfile":
        raise FileFormatError(
            f"is XML but not a Common Transfer File: its root element is <{str(root.tag)[:40]}>, "
            "not <CTfile>",
            file=file,
            where="line 1",
        )
    header = root.find("Header")
    source = header.find("SourceSchool") if header is not None else None
    context = CtfContext(
        file=file,
        written_on=_written_on(header),
        school=(text_of(source, "LEA"), text_of(source, "Estab")),
    )
    pupil_data = root.find("CTFpupilData")
    if pupil_data is None:
        raise FileFormatError(
            "has no <CTFpupilData> element, so there are no pupils in it",
            file=file,
            where="/CTfile",
        )
    reads = [
        read_pupil(element, position, context)
        for position, element in enumerate(pupil_data.findall("Pupil"), start=1)
    ]
    issues: list[Issue] = [issue for read in reads for issue in read.issues]
    kept = _unique_pupils(reads, file, issues)
    pupils: list[Person] = []
    contacts: list[Person] = []
    links: list[ContactLink] = []
    for pupil, read in kept:
        pupils.append(pupil)
        contacts.extend(read.contacts)
        links.extend(read.links)
    contacts, links = _one_parent_per_household(contacts, links)
    with_contacts = any(read.has_contacts_section for read in reads)
    snapshot = Snapshot(
        source="ctf",
        complete=False,
        people=(*pupils, *contacts),
        contact_links=tuple(links),
        school=_school(header, source),
        read_issues=tuple(issues),
        person_fields=_person_fields(pupils),
        covers=_PUPILS_AND_CONTACTS if with_contacts else _PUPILS,
        origin=file,
    )
    return snapshot


def _one_parent_per_household(
    contacts: list[Person], links: list[ContactLink]
) -> tuple[list[Person], list[ContactLink]]:
    """A CTF repeats a parent under each of their children, with no id to say so. The same
    name with the same email is taken to be one person, so siblings share their mother rather
    than each getting a copy of her; without an email nobody can tell, and copies stay apart."""
    first: dict[tuple[str, str, str], str] = {}
    same_as: dict[str, str] = {}
    kept: list[Person] = []
    for contact in contacts:
        if contact.email:
            key = (
                contact.forename.casefold(),
                contact.surname.casefold(),
                contact.email.casefold(),
            )
            if key in first:
                same_as[contact.source_id] = first[key]
                continue
            first[key] = contact.source_id
        kept.append(contact)
    merged = [
        replace(link, contact_source_id=same_as.get(link.contact_source_id, link.contact_source_id))
        for link in links
    ]
    return kept, merged


def _person_fields(pupils: list[Person]) -> frozenset[str]:
    """The person fields this file speaks for; see `_ALWAYS_SAYS` and `_SECTIONS`. Judged on
    pupils alone: contacts' emails must not make the file blank pupils' emails."""
    said = set(_ALWAYS_SAYS)
    for probe, fields in _SECTIONS.items():
        if any(getattr(pupil, probe) is not None for pupil in pupils):
            said.update(fields)
    return frozenset(said)


def _unique_pupils(
    reads: list[PupilRead], file: str, issues: list[Issue]
) -> list[tuple[Person, PupilRead]]:
    """One read per UPN. A UPN on two different pupils identifies neither: both are left out
    (and so left as they are), with an error naming both elements."""
    by_upn: dict[str, list[tuple[int, Person, PupilRead]]] = {}
    for position, read in enumerate(reads, start=1):
        if read.pupil is not None:
            by_upn.setdefault(read.pupil.source_id, []).append((position, read.pupil, read))
    kept: list[tuple[Person, PupilRead]] = []
    for upn, found in by_upn.items():
        _, first, first_read = found[0]
        if all(pupil == first for _, pupil, _ in found):
            kept.append((first, first_read))
            continue
        places = " and ".join(f"Pupil[{position}]" for position, _, _ in found[:5])
        issues.append(
            Issue(
                "student",
                first.display_name,
                f"{file}, /CTfile/CTFpupilData/{places} (pupil UPN {upn}): different pupils "
                "have the same UPN; they were all left out",
                upn,
            )
        )
    return kept


def _written_on(header: ET.Element | None) -> dt.date | None:
    value = text_of(header, "DateTime")
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None  # informational only: FSM end dates are then read as past


def _school(header: ET.Element | None, source: ET.Element | None) -> SchoolInfo | None:
    if source is None:
        return None
    return SchoolInfo(
        name=text_of(source, "SchoolName") or "",
        urn=text_of(source, "URN"),
        la_code=text_of(source, "LEA"),
        establishment_number=text_of(source, "Estab"),
        mis=text_of(header, "SupplierID"),
    )
