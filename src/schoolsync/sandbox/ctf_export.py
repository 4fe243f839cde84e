"""A Common Transfer File of a sandbox school, as its MIS would export one to itself.

Its pupils carry the same UPNs the sandbox serves over the Wonde API, so importing this file
and then connecting the same school to the sandbox shows that a file and a later sync never
create duplicates.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from schoolsync.sandbox.state import SandboxSchool

_SEX = {"MALE": "M", "FEMALE": "F"}


def _add(parent: ET.Element, tag: str, text: Any = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _date(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("date")
    return str(value)[:10] if value else None


def school_ctf(school: SandboxSchool, *, version: str = "25.0") -> bytes:
    profile = school.profile
    root = ET.Element("CTfile")
    header = _add(root, "Header")
    _add(header, "DocumentName", "Common Transfer File")
    _add(header, "CTFversion", version)
    _add(header, "DateTime", _date(school.stamp()) + "T00:00:00")  # type: ignore[operator]
    _add(header, "DocumentQualifier", "full")
    _add(header, "SupplierID", "schoolsync sandbox")
    source = _add(header, "SourceSchool")
    _add(source, "LEA", profile.get("la_code"))
    _add(source, "Estab", profile.get("establishment_number"))
    _add(source, "URN", profile.get("urn"))
    _add(source, "SchoolName", profile.get("name"))
    destination = _add(header, "DestSchool")
    _add(destination, "LEA", profile.get("la_code"))
    _add(destination, "Estab", profile.get("establishment_number"))

    pupils = _add(root, "CTFpupilData")
    for student_id, record in school.students.items():
        education = school.education_details.get(student_id) or {}
        extended = school.extended_details.get(student_id) or {}
        pupil = _add(pupils, "Pupil")
        _add(pupil, "UPN", education.get("upn"))
        _add(pupil, "Surname", record.get("legal_surname") or record.get("surname"))
        _add(pupil, "Forename", record.get("legal_forename") or record.get("forename"))
        _add(pupil, "DOB", _date(record.get("date_of_birth")))
        _add(pupil, "Sex", _SEX.get(str(record.get("gender")).upper(), "U"))
        basic = _add(pupil, "BasicDetails")
        _add(basic, "PreferredSurname", record.get("surname"))
        _add(basic, "PreferredForename", record.get("forename"))
        if record.get("middle_names"):
            _add(basic, "MiddleNames", record.get("middle_names"))
        _add(basic, "NCyearActual", education.get("current_nc_year"))
        sen_status = extended.get("sen_status")
        if sen_status:
            history = _add(pupil, "SENhistory")
            sen = _add(history, "SEN")
            _add(sen, "SENprovision", sen_status)
            needs = school.sen_needs.get(student_id) or []
            if needs:
                holder = _add(history, "SENneeds")
                for need in needs:
                    item = _add(holder, "SENneed")
                    _add(item, "SENtypeRank", need.get("rank"))
                    _add(item, "SENtype", need.get("type"))
        links = school.student_contacts.get(student_id) or []
        if links:
            contacts = _add(pupil, "Contacts")
            for order, link in enumerate(links, start=1):
                contact = school.contacts.get(link.get("contact", ""))
                if contact is None:
                    continue
                relation = link.get("relationship") or {}
                element = _add(contacts, "Contact")
                _add(element, "Order", relation.get("priority") or order)
                if contact.get("title"):
                    _add(element, "Title", contact.get("title"))
                _add(element, "Surname", contact.get("surname"))
                _add(element, "Forename", contact.get("forename"))
                _add(
                    element,
                    "Relationship",
                    "PAR" if relation.get("relationship") in ("Mother", "Father") else "OTH",
                )
                _add(
                    element,
                    "Responsibility",
                    "true" if relation.get("parental_responsibility") else "false",
                )
                emails = (school.contact_details.get(contact["id"]) or {}).get("emails") or {}
                if emails.get("email"):
                    _add(element, "Email", emails["email"])
    ET.indent(root, space=" ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
