"""The support blocks of one CTF `<Pupil>`: SEN, free school meals and attendance. Pure.

Each block is optional (partial CTFs from DfE services carry only UPN, names, DOB and sex); a
value that cannot be read is left out with a warning on the pupil's reading.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from schoolsync.model import Attendance, SenNeed
from schoolsync.sources.ctf import codes as ctf_codes
from schoolsync.sources.ctf.pupil_reading import PupilReading
from schoolsync.sources.ctf.xml import text_of
from schoolsync.sources.files.values import parse_count


def sen(reading: PupilReading) -> tuple[str | None, tuple[SenNeed, ...]]:
    history = reading.element.find("SENhistory")
    if history is None:
        return None, ()
    episodes = history.findall("SEN") or [history]
    chosen: tuple[tuple[bool, dt.date, int], ET.Element] | None = None
    for index, episode in enumerate(episodes, start=1):
        base = f"/SENhistory/SEN[{index}]" if episode is not history else "/SENhistory"
        start = reading.date(episode, "StartDate", "SEN start date", base)
        end = reading.date(episode, "EndDate", "SEN end date", base)
        ended = end is not None and not reading.after_writing(end)
        # The newest episode that is still open; an ended one only when none is open.
        rank = (not ended, start or dt.date.min, index)
        if text_of(episode, "SENprovision") is not None and (chosen is None or rank > chosen[0]):
            chosen = (rank, episode)
    if chosen is None:
        return None, _needs(list(history.iter("SENneed")))
    (still_open, _, index), episode = chosen
    if not still_open:
        return "N", ()  # every recorded episode has ended
    raw = text_of(episode, "SENprovision") or ""
    status = ctf_codes.sen_provision(raw)
    if status is None:
        base = f"/SENhistory/SEN[{index}]" if episode is not history else "/SENhistory"
        reading.warn(
            f"{base}/SENprovision",
            f"'{raw[:20]}' is not a SEN provision code (N, K or E); the SEN status was left blank",
        )
    if status == "N":
        return status, ()
    # Needs sit beside the episodes (SENhistory/SENneeds) or, in some writers, inside one.
    needs = list(episode.iter("SENneed")) if episode is not history else []
    return status, _needs(needs or list(history.iter("SENneed")))


def _needs(elements: list[ET.Element]) -> tuple[SenNeed, ...]:
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


def free_school_meals(reading: PupilReading) -> bool | None:
    history = reading.element.find("FSMhistory")
    if history is None:
        return None
    unreadable = False
    for index, instance in enumerate(history.findall("FSMinstance"), start=1):
        base = f"/FSMhistory/FSMinstance[{index}]"
        end_text = text_of(instance, "FSMendDate")
        if end_text is None:
            return True
        end = reading.date(instance, "FSMendDate", "FSM end date", base)
        if end is None:
            unreadable = True  # neither proves eligibility nor its end
        elif reading.after_writing(end):
            return True
    # An exported FSM history with no open instance means "not eligible now".
    return None if unreadable else False


def attendance(reading: PupilReading) -> Attendance | None:
    years = reading.element.findall("Attendance/YearData")
    if not years:
        return None
    lea, estab = reading.context.school

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
            reading.warn(
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
