"""The sandbox school's term dates: an English school's six terms, for the academic year of a
day and the one after, so a demo school syncs without a term dates warning."""

from __future__ import annotations

import datetime as dt

from schoolsync.model.terms import TERMS, TermDate, academic_year_of

#: (month, day) each term starts and ends, as an academic year starting in year Y reads them
#: (months 1-8 fall in Y + 1).
_SHAPE = (
    ((9, 3), (10, 23)),
    ((11, 2), (12, 18)),
    ((1, 5), (2, 12)),
    ((2, 22), (3, 26)),
    ((4, 12), (5, 28)),
    ((6, 7), (7, 21)),
)


def term_dates(day: dt.date) -> list[TermDate]:
    first = academic_year_of(day)
    found = []
    for year in (first, first + 1):
        for term, (start, end) in zip(TERMS, _SHAPE, strict=True):
            found.append(TermDate(year, term, _on(year, *start), _on(year, *end)))
    return found


def _on(year: int, month: int, day: int) -> dt.date:
    return dt.date(year if month >= 9 else year + 1, month, day)
