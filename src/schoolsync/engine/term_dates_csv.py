"""A term dates CSV read into term dates, or every bad line named. Pure: text in.

    academic_year,term,start,end
    2026/27,autumn1,2026-09-03,2026-10-23

Every academic year given must have its six terms, in order, without overlaps, within the
year; the file replaces the school's term dates of the years it names, and nothing is saved
unless every line is right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re

from schoolsync.errors import ConfigError
from schoolsync.model.terms import TERMS, TermDate, year_label

COLUMNS = ("academic_year", "term", "start", "end")
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
#: more than this many problems are counted, not listed
_SHOWN = 20


def read_term_dates(text: str, name: str = "terms.csv") -> list[TermDate]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or tuple(c.strip().lower() for c in rows[0]) != COLUMNS:
        raise ConfigError(f"{name}: the first line must be the columns {','.join(COLUMNS)}")
    entries = [
        (f"line {number}", row)
        for number, row in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in row)
    ]
    return check_term_dates(entries, f"{name} was not saved; fix these lines:", name)


def check_term_dates(
    entries: list[tuple[str, list[str]]], heading: str, name: str = "The term dates"
) -> list[TermDate]:
    """Term dates from (where, [academic_year, term, start, end]) entries: a CSV's lines, or
    a form's fields. Raises `ConfigError` listing every problem under `heading`."""
    problems: list[str] = []
    found: list[TermDate] = []
    places: dict[tuple[int, str], str] = {}
    for where, row in entries:
        if len(row) != len(COLUMNS):
            problems.append(f"{where}: expected 4 values, found {len(row)}")
            continue
        year_text, term, start_text, end_text = (cell.strip() for cell in row)
        term = term.lower().replace(" ", "")
        wrong = []
        match = _YEAR.match(year_text)
        year = int(match.group(1)) if match else None
        if match is None or year_label(int(match.group(1))) != year_text:
            wrong.append(f"academic year {year_text!r} is not like 2026/27")
        if term not in TERMS:
            wrong.append(f"term {term!r} is not one of {', '.join(TERMS)}")
        start, end = _date(start_text), _date(end_text)
        if start is None:
            wrong.append(f"start {start_text!r} is not a date like 2026-09-03")
        if end is None:
            wrong.append(f"end {end_text!r} is not a date like 2026-10-23")
        if not wrong and year is not None and start is not None and end is not None:
            if end < start:
                wrong.append("the term ends before it starts")
            elif not (dt.date(year, 8, 1) <= start and end <= dt.date(year + 1, 8, 31)):
                wrong.append(f"the dates are outside the academic year {year_text}")
            elif (year, term) in places:
                wrong.append(f"{year_text} {term} is also on {places[(year, term)]}")
        if wrong:
            problems.append(f"{where}: " + "; ".join(wrong))
            continue
        assert year is not None and start is not None and end is not None
        places[(year, term)] = where
        found.append(TermDate(year, term, start, end))
    if not problems:
        problems = _whole_years(found, places)
    if problems:
        more = len(problems) - _SHOWN
        listed = "\n  ".join(problems[:_SHOWN]) + (f"\n  and {more} more" if more > 0 else "")
        raise ConfigError(f"{heading}\n  {listed}")
    if not found:
        raise ConfigError(f"{name} has no term dates")
    return sorted(found, key=lambda t: (t.academic_year, TERMS.index(t.term)))


def _whole_years(found: list[TermDate], places: dict[tuple[int, str], str]) -> list[str]:
    problems = []
    for year in sorted({t.academic_year for t in found}):
        terms = {t.term: t for t in found if t.academic_year == year}
        missing = [term for term in TERMS if term not in terms]
        if missing:
            problems.append(f"{year_label(year)}: missing {', '.join(missing)} (six terms a year)")
            continue
        for earlier, later in itertools.pairwise(TERMS):
            if terms[later].starts_on <= terms[earlier].ends_on:
                problems.append(
                    f"{places[(year, later)]}: {year_label(year)} {later} starts before "
                    f"{earlier} ends"
                )
    return problems


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
