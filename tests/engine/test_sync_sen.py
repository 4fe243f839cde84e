"""The SEN settings on whole syncs of the sandbox school (SQLite and PostgreSQL): older and
custom codes mapped, an unknown code a warning that blanks nothing, a missing record kept or
read as 'No SEN', and types or provision left alone when their sync is off."""

# ruff: noqa: F811  (the fixtures imported from test_sync_wonde are parameters here)
from __future__ import annotations

import sqlalchemy as sa

from schoolsync.sandbox import DEMO_SCHOOL_ID
from schoolsync.services.schools import update_settings
from schoolsync.store.tables import people
from tests.engine.test_sync_wonde import school, served, sync  # noqa: F401


def sen_of(engine, source_id: str) -> tuple[str | None, str | None]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(people.c.sen_status, people.c.sen_needs).where(
                people.c.source_id == source_id
            )
        ).one()
    return row[0], row[1]


def test_sen_codes_and_settings(engine, settings, served, school) -> None:
    mis = served[0].schools[DEMO_SCHOOL_ID]
    with_k = [p for p in mis.students if mis.extended_details[p]["sen_status"] == "K"]
    plan_pupil, old_pupil, missing_pupil, needs_pupil = with_k[:4]
    sync(engine, settings, school)
    assert sen_of(engine, plan_pupil)[0] == "K"
    with mis.lock:
        mis.extended_details[plan_pupil]["sen_status"] = "MP"  # the school's "My Plan"
        mis.extended_details[old_pupil]["sen_status"] = "A"  # School Action, before 2014
        mis.extended_details[missing_pupil]["sen_status"] = None
        mis.sen_needs[missing_pupil] = []
    result = sync(engine, settings, school, full=True)
    [warning] = [i for i in result.issues if "MP" in i.message]
    assert warning.severity == "warning" and warning.source_id == plan_pupil
    assert "SEN code 'MP' is not a known SEN provision" in warning.message
    assert sen_of(engine, plan_pupil)[0] == "K"  # kept, never blanked
    assert sen_of(engine, old_pupil)[0] == "K"  # A is SEN support now
    assert sen_of(engine, missing_pupil)[0] == "K"  # a missing record overwrites nothing
    update_settings(engine, school, {"custom_sen_codes": ["MP=E"], "sen_missing_means_none": True})
    again = sync(engine, settings, school, full=True)
    assert not any("MP" in i.message for i in again.issues)
    assert sen_of(engine, plan_pupil)[0] == "E"
    assert sen_of(engine, missing_pupil) == ("N", None)
    # Types and provision off: the MIS changes them, the stored values stay.
    update_settings(engine, school, {"sync_sen_types": False, "sync_sen_provision": False})
    before = sen_of(engine, needs_pupil)
    with mis.lock:
        mis.extended_details[needs_pupil]["sen_status"] = "E"
        mis.sen_needs[needs_pupil] = [{"id": "X1", "type": "VI", "rank": 1}]
    assert "student" not in sync(engine, settings, school, full=True).counts
    assert sen_of(engine, needs_pupil) == before
    update_settings(engine, school, {"sync_sen_types": True, "sync_sen_provision": True})
    assert sync(engine, settings, school, full=True).counts["student"] == {"update": 1}
    assert sen_of(engine, needs_pupil)[0] == "E" and "VI" in (sen_of(engine, needs_pupil)[1] or "")
