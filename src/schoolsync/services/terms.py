"""A school's term dates: shown, replaced from a CSV, and whether its sync is paused now and why
(the scheduler skips a paused school; `engine/pause.py` has the rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.engine.pause import SyncPause
    from schoolsync.model.terms import TermDate


@dataclass(frozen=True, slots=True)
class TermsView:
    terms: list[TermDate]
    #: the school's sync now: paused or not, and what to tell the admin
    pause: SyncPause


def school_pause(engine: sa.Engine, key: str, now: dt.datetime) -> SyncPause:
    """Is this school's sync paused at `now`, and why: what the scheduler asks before it queues
    a school (a paused one is skipped, not recorded)."""
    from schoolsync.pausing import sync_pause
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        return sync_pause(conn, get_school(conn, key), now)


def show_terms(engine: sa.Engine, key: str, now: dt.datetime) -> TermsView:
    from schoolsync.pausing import sync_pause
    from schoolsync.store.schools import get_school
    from schoolsync.store.term_dates import load_terms

    with engine.connect() as conn:
        school = get_school(conn, key)
        return TermsView(load_terms(conn, school.id), sync_pause(conn, school, now))


def replace_terms_from_csv(
    engine: sa.Engine, key: str, text: str, now: dt.datetime, name: str = "terms.csv"
) -> TermsView:
    """The years the file names replace those years' term dates; a bad line anywhere raises
    `ConfigError` naming every bad line, and nothing is saved."""
    from schoolsync.engine.term_dates_csv import read_term_dates
    from schoolsync.store.schools import get_school
    from schoolsync.store.term_dates import replace_terms

    terms = read_term_dates(text, name)
    with engine.begin() as conn:
        replace_terms(conn, get_school(conn, key).id, terms)
    return show_terms(engine, key, now)


def replace_terms_from_file(
    engine: sa.Engine, key: str, data: bytes, now: dt.datetime, name: str
) -> TermsView:
    """`replace_terms_from_csv` for a file's bytes, saved from Excel as often as not (UTF-8
    with or without a byte-order mark, Windows-1252, UTF-16); a file that is not text at all is
    `BadInput` naming it, like a bad line. Bad content is `BadInput`, not `ConfigError`: the
    command line was right, the file was not (the CLI exits 1 for it, as `import` does)."""
    from schoolsync.errors import BadInput, ConfigError, FileFormatError
    from schoolsync.sources.files.text import decode_text

    try:
        text = decode_text(data, name)
    except FileFormatError as exc:
        raise BadInput(f"{exc}; save the term dates as CSV and try again") from None
    try:
        return replace_terms_from_csv(engine, key, text, now, name)
    except ConfigError as exc:
        raise BadInput(str(exc)) from None


def save_terms(engine: sa.Engine, key: str, terms: list[TermDate], now: dt.datetime) -> TermsView:
    """Term dates already checked (the demo's, the web form's)."""
    from schoolsync.store.schools import get_school
    from schoolsync.store.term_dates import replace_terms

    with engine.begin() as conn:
        replace_terms(conn, get_school(conn, key).id, terms)
    return show_terms(engine, key, now)
