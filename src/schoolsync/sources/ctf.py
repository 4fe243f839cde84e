"""DfE Common Transfer File (CTF) XML to a `Snapshot`: pupils, their contacts and the links.

    read_ctf(path, limits)   the file on disk (size-limited) -> Snapshot
    parse_ctf(data, file)    its bytes -> Snapshot (pure)

Versions 9 to 25 read the same way: root `<CTfile>`, a `<Header>` and `<CTFpupilData>` with one
`<Pupil>` each; with or without a namespace, `<Gender>` or `<Sex>`, elements in any order,
every block optional (see ctf_pupil.py for the pupil mapping). The parser refuses DTDs and
entities (ctf_xml.py). A file that cannot be read at all is a `FileFormatError`; a pupil that
cannot be used, or a value that cannot be read, is an `Issue` and the rest goes on.

What the snapshot claims:
- `complete=False`, even for DocumentQualifier "full": a CTF is the pupils someone chose to
  send (one class, the leavers, a DfE service's partial file), never a promise that everyone
  else has left. Nobody leaves because of a CTF.
- `covers` is the pupil family, plus contacts and contact links only when the file has a
  `<Contacts>` section: a partial CTF without one says nothing about contacts, and covering
  them would remove every link of every pupil in it.
- `school` is the Header's SourceSchool (the usual case is a school exporting to itself).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from schoolsync.errors import FileFormatError
from schoolsync.model import ContactLink, Issue, Person, SchoolInfo, Snapshot
from schoolsync.sources.ctf_pupil import CtfContext, PupilRead, read_pupil
from schoolsync.sources.ctf_xml import parse_xml
from schoolsync.sources.file_bytes import read_limited
from schoolsync.sources.file_limits import DEFAULT_LIMITS, FileLimits
from schoolsync.sources.file_values import parse_date

_PUPILS = frozenset({"pupil"})
_PUPILS_AND_CONTACTS = frozenset({"pupil", "contact", "contact_link"})


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
        school=(_text(source, "LEA"), _text(source, "Estab")),
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
    with_contacts = any(read.has_contacts_section for read in reads)
    return Snapshot(
        source="ctf",
        complete=False,
        people=(*pupils, *contacts),
        contact_links=tuple(links),
        school=_school(header, source),
        read_issues=tuple(issues),
        covers=_PUPILS_AND_CONTACTS if with_contacts else _PUPILS,
    )


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
                "Student",
                first.display_name,
                f"{file}, /CTfile/CTFpupilData/{places} (pupil UPN {upn}): different pupils "
                "have the same UPN; they were all left out",
                upn,
            )
        )
    return kept


def _written_on(header: ET.Element | None) -> dt.date | None:
    value = _text(header, "DateTime")
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
        name=_text(source, "SchoolName") or "",
        urn=_text(source, "URN"),
        la_code=_text(source, "LEA"),
        establishment_number=_text(source, "Estab"),
        mis=_text(header, "SupplierID"),
    )


def _text(element: ET.Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None
