# ruff: noqa: F811  (the fixtures imported from test_sync_wonde are parameters here)
"""Each school setting changes what a sync does: the same sandbox school synced with the setting
on and off, over real HTTP, into SQLite and PostgreSQL."""

from __future__ import annotations

import random
from typing import Any

import sqlalchemy as sa

from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, apply_change
from schoolsync.services import people_admin
from schoolsync.services.schools import update_settings
from schoolsync.store.tables import contact_links, people
from tests.engine.test_sync_wonde import _now, school, served, sync  # noqa: F401

Served = tuple[Sandbox, str]


def choose(engine: sa.Engine, key: str, **values: Any) -> None:
    update_settings(engine, key, values)


def stored(engine: sa.Engine, role: str, status: str = "active") -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(people)
                .where(people.c.role == role, people.c.status == status)
            ).scalar_one()
        )


def test_a_type_turned_off_is_not_imported_and_on_it_is(engine, settings, school) -> None:
    choose(engine, school, import_teachers=False, sync_contacts=False)
    off = sync(engine, settings, school)
    assert off.counts["student"]["create"] > 0 and off.counts["staff"]["create"] > 0
    assert not {"teacher", "contact", "contact_link"} & set(off.counts)
    choose(engine, school, import_teachers=True, sync_contacts=True)
    on = sync(engine, settings, school, full=True)
    assert on.counts["teacher"]["create"] > 0 and on.counts["contact"]["create"] > 0
    assert on.counts["contact_link"]["add"] > 0


def test_a_type_turned_off_leaves_the_schools_own_records_alone(
    engine,
    settings,
    served: Served,
    school: str,
) -> None:
    sync(engine, settings, school)
    teachers = stored(engine, "teacher")
    with engine.connect() as conn:
        links = conn.execute(sa.select(sa.func.count()).select_from(contact_links)).scalar_one()
    choose(engine, school, import_teachers=False, sync_contacts=False)
    apply_change(served[0].schools[DEMO_SCHOOL_ID], "teacher_leaver", random.Random(3))
    for full in (False, True):
        result = sync(engine, settings, school, full=full)
        assert not {"teacher", "contact", "contact_link"} & set(result.counts), result.counts
    assert stored(engine, "teacher") == teachers  # the teacher who left the MIS is kept
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(contact_links)).scalar_one()
            == links
        )
    choose(engine, school, import_teachers=True, sync_contacts=True)
    on = sync(engine, settings, school, full=True)
    assert on.counts["teacher"] == {"leave": 1}  # on: the MIS overwrites again


def test_archive_all_staff_then_the_import_off_keeps_them_archived(
    engine,
    settings,
    school: str,
) -> None:
    sync(engine, settings, school)
    staff = stored(engine, "staff")
    choose(engine, school, import_staff=False)
    done = people_admin.archive(engine, school, "staff", _now())
    assert done.count == staff and done.import_still_on is None
    assert stored(engine, "staff") == 0 and stored(engine, "staff", "archived") == staff
    assert "staff" not in sync(engine, settings, school, full=True).counts
    assert stored(engine, "staff", "archived") == staff
    choose(engine, school, import_staff=True)
    back = sync(engine, settings, school, full=True)
    assert back.counts["staff"] == {"restore": staff}  # the MIS's records overwrite again


def test_an_excluded_person_is_left_alone_by_every_sync_until_undone(
    engine,
    settings,
    served: Served,
    school: str,
) -> None:
    sync(engine, settings, school)
    mis = served[0].schools[DEMO_SCHOOL_ID]
    pupil_id, record = next(iter(mis.students.items()))
    entry = people_admin.exclude(engine, school, pupil_id, by="Ms Patel", now=_now())
    assert entry.excluded and entry.excluded_by == "Ms Patel" and entry.excluded_at
    [listed] = people_admin.excluded(engine, school)
    assert listed.source_id == pupil_id
    with mis.lock:
        record["forename"] = "Renamed"
        record["updated_at"] = {"date": "2030-01-01 00:00:00.000000", "timezone_type": 3,
                                "timezone": "UTC"}  # fmt: skip
    for full in (False, True):
        assert "student" not in sync(engine, settings, school, full=full).counts
    with engine.connect() as conn:
        forename = conn.execute(
            sa.select(people.c.forename).where(people.c.source_id == pupil_id)
        ).scalar_one()
    assert forename != "Renamed"
    people_admin.exclude(engine, school, pupil_id, by="Ms Patel", now=_now(), undo=True)
    assert people_admin.excluded(engine, school) == []
    assert sync(engine, settings, school, full=True).counts["student"] == {"update": 1}
