"""Attendance summaries with unexplained absences, synced from the sandbox (SQLite and
PostgreSQL), shown with the school's *add unexplained absence to the unauthorised count*."""

# ruff: noqa: F811  (the fixtures imported from test_sync_wonde are parameters here)
from __future__ import annotations

import sqlalchemy as sa

from schoolsync.sandbox import DEMO_SCHOOL_ID
from schoolsync.services.people_admin import attendance_figures
from schoolsync.services.schools import update_settings
from schoolsync.store.tables import people
from tests.engine.test_sync_wonde import school, served, sync  # noqa: F401


def test_unexplained_absence_counts_as_unauthorised_unless_the_school_says_not(
    engine, settings, served, school
) -> None:
    mis = served[0].schools[DEMO_SCHOOL_ID]
    pupil = next(iter(mis.students))
    with mis.lock:
        mis.attendance_summary[pupil].update(
            possible_marks=200, present_marks=186, authorised_absence_marks=7,
            unauthorised_absence_marks=3, unexplained_absence_marks=4, late_marks=2,
        )  # fmt: skip
    sync(engine, settings, school)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(people.c.attendance).where(people.c.source_id == pupil)
        ).scalar_one()
    shown = attendance_figures(engine, school, stored)
    assert shown is not None and shown.unauthorised == 7 and shown.unexplained_counted
    update_settings(engine, school, {"unexplained_as_unauthorised": False})
    shown = attendance_figures(engine, school, stored)
    assert shown is not None and (shown.unauthorised, shown.unexplained) == (3, 4)
    assert sync(engine, settings, school, full=True).counts == {}  # nothing stored changes
