"""A school's term dates, and the day of its first sync (the term dates rule counts from it).
Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from schoolsync.model.terms import TERMS, TermDate
from schoolsync.store.context_tables import term_dates
from schoolsync.store.schools import as_utc
from schoolsync.store.tables import sync_runs


def load_terms(conn: sa.Connection, school_id: int) -> list[TermDate]:
    rows = conn.execute(
        sa.select(
            term_dates.c.academic_year, term_dates.c.term, term_dates.c.starts_on,
            term_dates.c.ends_on,
        ).where(term_dates.c.school_id == school_id)
    ).all()  # fmt: skip
    found = [TermDate(int(y), str(t), s, e) for y, t, s, e in rows]
    return sorted(found, key=lambda t: (t.academic_year, TERMS.index(t.term)))


def replace_terms(conn: sa.Connection, school_id: int, terms: Sequence[TermDate]) -> None:
    """The terms of every academic year given replace that year's; other years stay."""
    years = sorted({t.academic_year for t in terms})
    conn.execute(
        sa.delete(term_dates).where(
            term_dates.c.school_id == school_id, term_dates.c.academic_year.in_(years)
        )
    )
    if terms:
        conn.execute(
            sa.insert(term_dates),
            [
                {"school_id": school_id, "academic_year": t.academic_year, "term": t.term,
                 "starts_on": t.starts_on, "ends_on": t.ends_on}
                for t in terms
            ],
        )  # fmt: skip


def first_sync_at(conn: sa.Connection, school_id: int) -> dt.datetime | None:
    """When the school's first run that was not paused started."""
    found: dt.datetime | None = conn.execute(
        sa.select(sa.func.min(sync_runs.c.started_at)).where(
            sync_runs.c.school_id == school_id, sync_runs.c.status != "paused"
        )
    ).scalar_one()
    return as_utc(found)
