"""A value too long for its column never fails a run (SQLite and PostgreSQL, which refuses
such values): a Wonde forename of 130 characters is a warning on that pupil, the name is cut to
fit, and the rest of the run is applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.pipeline import sync_school
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, running_sandbox
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store import schools as school_store
from schoolsync.store.tables import people

TOKEN = "fit-token"


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox.demo(seed=4, pupils=40, token=TOKEN)
    with running_sandbox(sandbox) as base_url:
        yield sandbox, base_url


def test_a_wonde_forename_too_long_is_cut_with_a_warning(
    engine: sa.Engine, settings: Settings, served: tuple[Sandbox, str]
) -> None:
    sandbox, base_url = served
    mis = sandbox.schools[DEMO_SCHOOL_ID]
    long_id, short_id = list(mis.students)[:2]
    with mis.lock:
        mis.students[long_id]["forename"] = "Amara" * 26  # 130 characters
        mis.students[short_id]["title"] = "T" * 50
    with engine.begin() as conn:
        key = school_store.add_school(
            conn,
            name="Sandbox school",
            now=dt.datetime.now(dt.UTC),
            secret_key=settings.secret_key,
            wonde_school_id=DEMO_SCHOOL_ID,
            api_base_url=base_url,
            token=TOKEN,
        ).key

    result = sync_school(engine, key, wonde_reader(settings), full=True)

    assert result.status != "failed", result.message
    assert result.counts["student"]["create"] == len(mis.students)  # the rest is applied
    [issue] = [i for i in result.issues if i.source_id == long_id]
    assert issue.severity == "warning"
    assert issue.message == (
        "forename is longer than the 120 characters schoolsync can store; it was cut to 120 "
        "characters"
    )
    with engine.connect() as conn:
        forename = conn.execute(
            sa.select(people.c.forename).where(people.c.source_id == long_id)
        ).scalar_one()
    assert forename == ("Amara" * 26)[:120]
    [title] = [i for i in result.issues if i.source_id == short_id]
    assert "title is longer than the 40" in title.message and title.severity == "warning"
