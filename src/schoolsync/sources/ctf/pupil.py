"""One CTF `<Pupil>` element to a pupil, their contacts and the links between them. Pure.

Every block below the names is optional (partial CTFs from DfE services carry only UPN, names,
DOB and sex), elements are found by name in any order, and a value that cannot be read is
dropped with a warning `Issue` that names the file, the element path and the pupil, e.g.
`CTF.xml, /CTfile/CTFpupilData/Pupil[12]/DOB (pupil UPN A123...): ...`. The admin sees these
messages and needs them to fix the MIS; nothing here logs.

Identity: a CTF has no record ids of its own, so a pupil's `source_id` is their UPN (also
`upn`). A contact has no id at all: theirs is derived from what stays put, see
`contact_source_id`.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from schoolsync.model import Attendance, ContactLink, Gender, Issue, Person, SenNeed
from schoolsync.sources.ctf import codes as ctf_codes
from schoolsync.sources.ctf.ids import contact_source_id
from schoolsync.sources.ctf.xml import first_text, text_of
from schoolsync.sources.files.values import (
    parse_count,
    parse_date,
    parse_email,
    parse_flag,
    parse_gender,
)

# A letter, 11 digits, then a digit (permanent UPN) or a letter (temporary UPN).
_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


@dataclass(frozen=True, slots=True)
class CtfContext:
    """What every pupil's reading needs to know about the file."""

    file: str
    #: the Header's DateTime: an FSM end date after it had not yet happened when it was written
    written_on: dt.date | None = None
    #: SourceSchool LEA and Estab: a pupil who moved mid-year has a YearData for each school
    school: tuple[str | None, str | None] = (None, None)


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
    return _PupilReader(element, position, context).read()


class _PupilReader:
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

    # --- messages -------------------------------------------------------------------------

    def _where(self, relative: str = "") -> str:
        who = f"pupil UPN {self.upn}" if self.upn else f"pupil {self.name or 'with no name'}"
        return f"{self.context.file}, {self.path}{relative} ({who})"

    def _warn(self, relative: str, problem: str) -> None:
        self.issues.append(
            Issue(
                "Student",
                self.name,
                f"{self._where(relative)}: {problem}",
                self.upn,
                severity="warning",
            )
        )

    def _left_out(self, problem: str) -> PupilRead:
        self.issues.append(Issue("Student", self.name, f"{self._where()}: {problem}", self.upn))
        return PupilRead(None, issues=self.issues)

    # --- the pupil ------------------------------------------------------------------------

    def read(self) -> PupilRead:
        if not self.name:
            return self._left_out("the pupil has no forename or surname; they were left out")
        if not self.upn:
            return self._left_out(
                "the pupil has no UPN, which is how a CTF pupil is matched; they were left out"
            )
        if not _UPN.match(self.upn):
            self._warn(
                "/UPN",
                f"UPN '{self.upn[:20]}' is not a letter, 11 digits and a digit or letter; it was "
                "used as it is",
            )
        sen_status, sen_needs = self._sen()
        # A CTF has no preferred middle names: its MiddleNames are legal and also the ones used.
        middle_names = first_text(self.element, "BasicDetails/MiddleNames", "MiddleNames")
        pupil = Person(
            role="student",
            source_id=self.upn,
            upn=self.upn,
            forename=self.forename or "",
            surname=self.surname or "",
            legal_forename=self.legal_forename,
            legal_surname=self.legal_surname,
            middle_names=middle_names,
            legal_middle_names=middle_names,
            gender=self._gender(self.element, "", field="gender"),
            date_of_birth=self._date(self.element, "DOB", "date of birth", field="date_of_birth"),
            email=self._email(self.element, "", self.unreadable),
            year_group=self._year_group(),
            sen_status=sen_status,
            sen_needs=sen_needs,
            free_school_meals=self._free_school_meals(),
            english_additional_language=self._english_additional_language(),
            attendance=self._attendance(),
            unreadable=frozenset(self.unreadable),
        )
        result = PupilRead(pupil, issues=self.issues)
        self._contacts(result)
        return result

    def _gender(
        self, element: ET.Element, relative: str, field: str | None = None
    ) -> Gender | None:
        for tag in ("Sex", "Gender"):
            value = text_of(element, tag)
            if value is None:
                continue
            try:
                return parse_gender(value)
            except ValueError:
                self._warn(
                    f"{relative}/{tag}",
                    f"'{value[:20]}' is not a sex the CTF defines (M or F); it was ignored",
                )
                if field:
                    self.unreadable.add(field)
                return None
        return None

    def _email(self, element: ET.Element, base: str, unreadable: set[str]) -> str | None:
        value = text_of(element, "Email")
        if value is None:
            return None
        try:
            return parse_email(value)
        except ValueError:
            self._warn(
                f"{base}/Email",
                f"'{value[:60]}' is not a valid email address; the email was left as it was",
            )
            # A stored person keeps the email they had, rather than having it blanked.
            unreadable.add("email")
            return None

    def _date(
        self, element: ET.Element, path: str, label: str, base: str = "", field: str | None = None
    ) -> dt.date | None:
        value = text_of(element, path)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError:
            self._warn(
                f"{base}/{path}",
                f"'{value[:30]}' is not a date (YYYY-MM-DD); the {label} was ignored",
            )
            if field:
                self.unreadable.add(field)
            return None

    def _year_group(self) -> str | None:
        value = first_text(self.element, "BasicDetails/NCyearActual", "NCyearActual")
        if value is None:
            return None
        year = ctf_codes.year_group(value)
        if year is None:
            self._warn(
                "/BasicDetails/NCyearActual",
                f"'{value[:20]}' is not a National Curriculum year (N1, N2, R, 1 to 14 or X); "
                "the year group was ignored",
            )
            self.unreadable.add("year_group")
        return year

    def _english_additional_language(self) -> bool | None:
        """From the first language (LanguageType F): EAL unless it is English or believed to be
        English; unknown when the school recorded "not obtained" or "refused"."""
        for path in ("BasicDetails/Languages/Type", "Languages/Type"):
            for entry in self.element.findall(path):
                if (text_of(entry, "LanguageType") or "").upper() != "F":
                    continue
                code = (text_of(entry, "Language") or "").upper()
                if not code or code in ctf_codes.LANGUAGE_UNKNOWN:
                    return None
                return code not in ctf_codes.LANGUAGE_ENGLISH
        return None

    # --- SEN ------------------------------------------------------------------------------

    def _sen(self) -> tuple[str | None, tuple[SenNeed, ...]]:
        history = self.element.find("SENhistory")
        if history is None:
            return None, ()
        episodes = history.findall("SEN") or [history]
        chosen: tuple[tuple[bool, dt.date, int], ET.Element] | None = None
        for index, episode in enumerate(episodes, start=1):
            base = f"/SENhistory/SEN[{index}]" if episode is not history else "/SENhistory"
            start = self._date(episode, "StartDate", "SEN start date", base)
            end = self._date(episode, "EndDate", "SEN end date", base)
            ended = end is not None and not self._after_writing(end)
            # The newest episode that is still open; an ended one only when none is open.
            rank = (not ended, start or dt.date.min, index)
            if text_of(episode, "SENprovision") is not None and (
                chosen is None or rank > chosen[0]
            ):
                chosen = (rank, episode)
        if chosen is None:
            return None, self._needs(list(history.iter("SENneed")))
        (still_open, _, index), episode = chosen
        if not still_open:
            return "N", ()  # every recorded episode has ended
        raw = text_of(episode, "SENprovision") or ""
        status = ctf_codes.sen_provision(raw)
        if status is None:
            base = f"/SENhistory/SEN[{index}]" if episode is not history else "/SENhistory"
            self._warn(
                f"{base}/SENprovision",
                f"'{raw[:20]}' is not a SEN provision code (N, K or E); the SEN status was left "
                "blank",
            )
        if status == "N":
            return status, ()
        # Needs sit beside the episodes (SENhistory/SENneeds) or, in some writers, inside one.
        needs = list(episode.iter("SENneed")) if episode is not history else []
        return status, self._needs(needs or list(history.iter("SENneed")))

    def _needs(self, elements: list[ET.Element]) -> tuple[SenNeed, ...]:
        ranked: dict[str, tuple[int, int]] = {}
        for position, element in enumerate(elements, start=1):
            code = text_of(element, "SENtype")
            if code is None:
                continue
            rank = parse_count(text_of(element, "SENtypeRank") or "") or position
            code = ctf_codes.sen_type(code)
            if code not in ranked or ranked[code] > (rank, position):
                ranked[code] = (rank, position)
        ordered = sorted(ranked.items(), key=lambda item: item[1])
        return tuple(SenNeed(code, rank) for code, (rank, _) in ordered)

    # --- FSM and attendance ---------------------------------------------------------------

    def _free_school_meals(self) -> bool | None:
        history = self.element.find("FSMhistory")
        if history is None:
            return None
        unreadable = False
        for index, instance in enumerate(history.findall("FSMinstance"), start=1):
            base = f"/FSMhistory/FSMinstance[{index}]"
            end_text = text_of(instance, "FSMendDate")
            if end_text is None:
                return True
            end = self._date(instance, "FSMendDate", "FSM end date", base)
            if end is None:
                unreadable = True  # neither proves eligibility nor its end
            elif self._after_writing(end):
                return True
        # An exported FSM history with no open instance means "not eligible now".
        return None if unreadable else False

    def _after_writing(self, end: dt.date) -> bool:
        """Whether an end date had not yet come when the file was written."""
        written = self.context.written_on
        return written is not None and end >= written

    def _attendance(self) -> Attendance | None:
        years = self.element.findall("Attendance/YearData")
        if not years:
            return None
        lea, estab = self.context.school

        def newest(item: tuple[int, ET.Element]) -> tuple[int, bool, int]:
            index, data = item
            year = parse_count(text_of(data, "Year") or "")
            here = (text_of(data, "LEA"), text_of(data, "Estab")) == (lea, estab)
            return (-1 if year is None else year, here, index)

        index, data = max(enumerate(years, start=1), key=newest)
        base = f"/Attendance/YearData[{index}]"
        counts: dict[str, int] = {}
        for tag in (
            "SessionsPossible",
            "SessionsAttended",
            "SessionsAuthorised",
            "SessionsUnauthorised",
        ):
            value = text_of(data, tag)
            if value is None:
                counts[tag] = 0
                continue
            number = parse_count(value)
            if number is None:
                self._warn(
                    f"{base}/{tag}",
                    f"'{value[:20]}' is not a number of sessions; attendance was left blank",
                )
                return None
            counts[tag] = number
        if text_of(data, "SessionsPossible") is None:
            return None
        return Attendance(
            possible=counts["SessionsPossible"],
            present=counts["SessionsAttended"],
            authorised=counts["SessionsAuthorised"],
            unauthorised=counts["SessionsUnauthorised"],
            late=0,  # a CTF counts sessions, not late marks
        )

    # --- contacts -------------------------------------------------------------------------

    def _contacts(self, result: PupilRead) -> None:
        section = self.element.find("Contacts")
        if section is None:
            return
        result.has_contacts_section = True
        seen: set[str] = set()
        for position, element in enumerate(section.findall("Contact"), start=1):
            base = f"/Contacts/Contact[{position}]"
            order_text = text_of(element, "Order") or ""
            order = parse_count(order_text)
            if order_text and order is None:
                self._warn(f"{base}/Order", f"'{order_text[:20]}' is not a contact priority")
            forename = text_of(element, "Forename") or ""
            surname = text_of(element, "Surname") or ""
            source_id = contact_source_id(
                self.upn, str(order) if order is not None else f"#{position}", surname, forename
            )
            if not forename and not surname:
                self.issues.append(
                    Issue(
                        "Contact",
                        "",
                        f"{self._where(base)}: the contact has no forename or surname; they "
                        "were left out",
                        source_id,
                    )
                )
                continue
            if source_id in seen:
                continue  # the same contact written twice
            seen.add(source_id)
            unreadable: set[str] = set()
            email = self._email(element, base, unreadable)
            result.contacts.append(
                Person(
                    role="contact",
                    source_id=source_id,
                    forename=forename,
                    surname=surname,
                    title=text_of(element, "Title"),
                    middle_names=text_of(element, "MiddleNames"),
                    gender=self._gender(element, base),
                    email=email,
                    unreadable=frozenset(unreadable),
                )
            )
            result.links.append(
                ContactLink(
                    pupil_source_id=self.upn,
                    contact_source_id=source_id,
                    relationship=(text_of(element, "Relationship") or "").upper() or None,
                    priority=order,
                    parental_responsibility=self._flag(element, "Responsibility", base),
                    lives_with_pupil=self._flag(element, "Address/AddressAsPupil", base),
                )
            )

    def _flag(self, element: ET.Element, path: str, base: str) -> bool | None:
        value = text_of(element, path)
        if value is None:
            return None
        flag = parse_flag(value)
        if flag is None:
            self._warn(f"{base}/{path}", f"'{value[:20]}' is not true or false; it was left blank")
        return flag
