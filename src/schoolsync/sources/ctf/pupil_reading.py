"""Reading one CTF `<Pupil>`: where it is in the file, the warnings it gives, and the value
readers every block shares. A value that cannot be read is dropped with a warning `Issue` that
names the file, the element path and the pupil, e.g.
`CTF.xml, /CTfile/CTFpupilData/Pupil[12]/DOB (pupil UPN A123...): ...`. The admin sees these
messages and needs them to fix the MIS; nothing here logs. Pure.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from schoolsync.model import Gender, Issue
from schoolsync.sources.ctf.xml import first_text, text_of
from schoolsync.sources.files.values import parse_date, parse_email, parse_flag, parse_gender


@dataclass(frozen=True, slots=True)
class CtfContext:
    """What every pupil's reading needs to know about the file."""

    file: str
    #: the Header's DateTime: an FSM end date after it had not yet happened when it was written
    written_on: dt.date | None = None
    #: SourceSchool LEA and Estab: a pupil who moved mid-year has a YearData for each school
    school: tuple[str | None, str | None] = (None, None)


class PupilReading:
    """One `<Pupil>` being read: its names, and the issues and unreadable fields found so far."""

    def __init__(self, element: ET.Element, position: int, context: CtfContext) -> None:
        self.element = element
        self.path = f"/CTfile/CTFpupilData/Pupil[{position}]"
        self.context = context
        self.issues: list[Issue] = []
        self.unreadable: set[str] = set()
        self.upn = (text_of(element, "UPN") or "").upper()
        self.legal_forename = text_of(element, "Forename")
        self.legal_surname = text_of(element, "Surname")
        self.forename = first_text(element, "BasicDetails/PreferredForename", "PreferredForename")
        self.surname = first_text(element, "BasicDetails/PreferredSurname", "PreferredSurname")
        self.forename = self.forename or self.legal_forename
        self.surname = self.surname or self.legal_surname
        self.name = f"{self.forename or ''} {self.surname or ''}".strip()

    def where(self, relative: str = "") -> str:
        who = f"pupil UPN {self.upn}" if self.upn else f"pupil {self.name or 'with no name'}"
        return f"{self.context.file}, {self.path}{relative} ({who})"

    def warn(self, relative: str, problem: str) -> None:
        self.issues.append(
            Issue(
                "student",
                self.name,
                f"{self.where(relative)}: {problem}",
                self.upn,
                severity="warning",
            )
        )

    def gender(self, element: ET.Element, relative: str, field: str | None = None) -> Gender | None:
        for tag in ("Sex", "Gender"):
            value = text_of(element, tag)
            if value is None:
                continue
            try:
                return parse_gender(value)
            except ValueError:
                self.warn(
                    f"{relative}/{tag}",
                    f"'{value[:20]}' is not a sex the CTF defines (M or F); it was ignored",
                )
                if field:
                    self.unreadable.add(field)
                return None
        return None

    def email(self, element: ET.Element, base: str, unreadable: set[str]) -> str | None:
        value = text_of(element, "Email")
        if value is None:
            return None
        try:
            return parse_email(value)
        except ValueError:
            self.warn(
                f"{base}/Email",
                f"'{value[:60]}' is not a valid email address; the email was left as it was",
            )
            # A stored person keeps the email they had, rather than having it blanked.
            unreadable.add("email")
            return None

    def date(
        self, element: ET.Element, path: str, label: str, base: str = "", field: str | None = None
    ) -> dt.date | None:
        value = text_of(element, path)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.warn(
                f"{base}/{path}",
                f"'{value[:30]}' is not a date (YYYY-MM-DD); the {label} was ignored",
            )
            if field:
                self.unreadable.add(field)
            return None

    def flag(self, element: ET.Element, path: str, base: str) -> bool | None:
        value = text_of(element, path)
        if value is None:
            return None
        flag = parse_flag(value)
        if flag is None:
            self.warn(f"{base}/{path}", f"'{value[:20]}' is not true or false; it was left blank")
        return flag

    def after_writing(self, end: dt.date) -> bool:
        """Whether an end date had not yet come when the file was written."""
        written = self.context.written_on
        return written is not None and end >= written
