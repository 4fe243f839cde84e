"""Every change kind, through the real store (SQLite and PostgreSQL): what a school would see
in its data after a second sync reacts to an MIS change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.engine.digest import plan_digest
from schoolsync.model import Deletion, Snapshot
from schoolsync.pipeline import Approval, SyncResult, plan_school, sync_school
from schoolsync.store import schools as school_store
from schoolsync.store.tables import (
    changes,
    class_memberships,
    classes,
    contact_links,
    people,
    sync_runs,
)
from tests.builders import contact, group, link, pupil, school_class, snapshot, subject, teacher
from tests.conftest import Clock


class FakeMis:
    """Hands the engine whatever snapshot the test last set: the source seam."""

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self.since: list[dt.datetime | None] = []

    def __call__(self, _school: Any, since: dt.datetime | None, _progress: Any) -> Snapshot:
        self.since.append(since)
        assert self.snapshot is not None
        return self.snapshot


@pytest.fixture
def mis() -> FakeMis:
    return FakeMis()


@pytest.fixture
def school(engine: sa.Engine, clock: Clock) -> str:
    with engine.begin() as conn:
        return school_store.add_school(
            conn, name="Larkfield Academy", now=clock(), secret_key=Fernet.generate_key()
        ).key


def base() -> list[Any]:
    return [
        pupil("P1", "Zara", "Okafor-Lindqvist"),
        pupil("P2", "Seán", "O'Brien"),
        pupil("P3", "Chloé", "Nguyễn", year_group="8"),
        teacher("T1"),
        contact("C1", email="mum@example.org"),
        subject("S1", "Mathematics"),
        subject("S2", "English"),
        school_class(
            "K1", "7A/Ma1", students=["P1", "P2"], teachers=["T1"], subject_source_id="S1"
        ),
        school_class("K2", "7A/En1", students=["P1"], subject_source_id="S2"),
        group("G1", "7AB", students=["P1", "P2"], employees=["T1"]),
        link("P1", "C1"),
        link("P2", "C1", priority=1),
    ]


def run(
    engine: sa.Engine,
    school: str,
    mis: FakeMis,
    clock: Clock,
    items: list[Any],
    complete: bool = True,
    **kw: Any,
) -> SyncResult:
    mis.snapshot = snapshot(*items, complete=complete, **kw)
    clock.advance(hours=1)
    return sync_school(engine, school, mis, now=clock, full=complete)


def approved(
    engine: sa.Engine, school: str, mis: FakeMis, clock: Clock, items: list[Any]
) -> SyncResult:
    """A manual sync in which a person approves exactly the plan they were shown."""
    mis.snapshot = snapshot(*items)
    clock.advance(hours=1)
    shown = plan_school(engine, school, mis, full=True, now=clock)
    return sync_school(
        engine, school, mis, now=clock, approval=Approval(plan_digest(shown.plan), "Data Manager")
    )


def person(engine: sa.Engine, source_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(sa.select(people).where(people.c.source_id == source_id)).mappings()
        return dict(row.one())


def members(engine: sa.Engine, class_source: str) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(people.c.source_id)
            .join(class_memberships, class_memberships.c.person_id == people.c.id)
            .join(classes, classes.c.id == class_memberships.c.class_id)
            .where(classes.c.source_id == class_source, class_memberships.c.role == "student")
        )
        return {r[0] for r in rows}


def test_first_sync_creates_everything(engine, school, mis, clock) -> None:
    result = run(engine, school, mis, clock, base())
    assert result.status == "success"
    assert result.counts["student"] == {"create": 3}
    assert result.counts["class_membership"] == {"add": 4}
    assert result.counts["group_membership"] == {"add": 3}
    assert result.counts["contact_link"] == {"add": 2}
    assert members(engine, "K1") == {"P1", "P2"}
    zara = person(engine, "P1")
    assert (zara["forename"], zara["surname"], zara["status"]) == (
        "Zara",
        "Okafor-Lindqvist",
        "active",
    )
    assert zara["username"] == "zokaforlindqvist"
    assert person(engine, "T1")["username"] == "t1@school.org.uk"


def test_resync_of_unchanged_data_changes_nothing(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    again = run(engine, school, mis, clock, base())
    assert (again.status, again.counts) == ("success", {})


def test_rename_and_year_change_update_the_same_person(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    before = person(engine, "P3")
    items = [i for i in base() if getattr(i, "source_id", None) != "P3"]
    items.append(pupil("P3", "Chloé", "Nguyễn-Smith", year_group="9"))
    result = run(engine, school, mis, clock, items)
    assert result.counts == {"student": {"update": 1}}
    after = person(engine, "P3")
    assert after["id"] == before["id"]
    assert (after["surname"], after["year_group"]) == ("Nguyễn-Smith", "9")
    assert after["username"] == before["username"]  # logins keep working after a rename
    with engine.connect() as conn:
        logged = conn.execute(
            sa.select(changes.c.before, changes.c.after).where(changes.c.kind == "update")
        ).one()
    assert logged.before == {"surname": "Nguyễn", "year_group": "8"}
    assert logged.after == {"surname": "Nguyễn-Smith", "year_group": "9"}


def test_email_change_moves_the_username_with_it(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    items = [i for i in base() if getattr(i, "source_id", None) != "T1"]
    items.append(teacher("T1", email="new.name@school.org.uk"))
    result = run(engine, school, mis, clock, items)
    assert result.counts == {"teacher": {"update": 1}}
    row = person(engine, "T1")
    assert (row["email"], row["username"]) == ("new.name@school.org.uk", "new.name@school.org.uk")


def test_class_move(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    items = [i for i in base() if getattr(i, "source_id", None) not in ("K1", "K2")]
    items += [
        school_class("K1", "7A/Ma1", students=["P1"], teachers=["T1"], subject_source_id="S1"),
        school_class("K2", "7A/En1", students=["P1", "P2"], subject_source_id="S2"),
    ]
    result = run(engine, school, mis, clock, items)
    assert result.counts == {"class_membership": {"add": 1, "remove": 1}}
    assert members(engine, "K1") == {"P1"}
    assert members(engine, "K2") == {"P1", "P2"}


def test_leaver_becomes_left_and_keeps_their_data(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    items = [i for i in base() if getattr(i, "source_id", None) != "P2"]
    items = [
        school_class("K1", "7A/Ma1", students=["P1"], teachers=["T1"], subject_source_id="S1")
        if getattr(i, "source_id", None) == "K1"
        else i
        for i in items
    ]
    result = run(
        engine,
        school,
        mis,
        clock,
        [i for i in items if getattr(i, "pupil_source_id", None) != "P2"],
    )
    assert result.counts["student"] == {"leave": 1}
    row = person(engine, "P2")
    assert (row["status"], row["forename"], row["surname"]) == ("left", "Seán", "O'Brien")
    assert row["left_at"] is not None
    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(people)).scalar()
    assert count == 5  # nobody was deleted
    assert "P2" not in members(engine, "K1")


def test_leaver_who_returns_is_restored_not_duplicated(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    without = [i for i in base() if getattr(i, "source_id", None) != "P3"]
    run(engine, school, mis, clock, without)
    # Re-enrolled: Wonde gives a new id, the UPI stays.
    back = [*without, pupil("P3-new", "Chloé", "Nguyễn", year_group="8", upi="upi-P3")]
    result = run(engine, school, mis, clock, back)
    assert result.counts == {"student": {"restore": 1}}
    row = person(engine, "P3-new")
    assert row["status"] == "active"


def test_emptied_and_deleted_classes(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    items = [i for i in base() if getattr(i, "source_id", None) not in ("K1", "K2")]
    items.append(school_class("K1", "7A/Ma1", teachers=["T1"], subject_source_id="S1"))
    held = run(engine, school, mis, clock, items)
    assert held.status == "needs_approval"
    assert {h.rule for h in held.holds} == {"class_gone", "class_emptied"}
    assert members(engine, "K1") == {"P1", "P2"}  # held: the record stays as it was
    result = approved(engine, school, mis, clock, items)
    assert result.status == "success"
    assert result.counts["class"] == {"delete": 1}
    assert result.counts["class_membership"] == {"remove": 3}
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.select(classes.c.source_id, classes.c.status)).all())
    assert rows == {"K1": "active", "K2": "deleted"}
    assert members(engine, "K1") == set()


def test_deleted_subject(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    items = [i for i in base() if getattr(i, "source_id", None) not in ("S2", "K2")]
    held = run(engine, school, mis, clock, items)
    assert [h.rule for h in held.holds] == ["subject_gone"]
    result = approved(engine, school, mis, clock, items)
    assert result.counts["subject"] == {"delete": 1}
    assert result.counts["class"] == {"delete": 1}


def test_incremental_sync_learns_of_leavers_from_deletions(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    result = run(
        engine,
        school,
        mis,
        clock,
        [pupil("P1", "Zara", "Okafor"), link("P1", "C1")],
        complete=False,
        deletions=(Deletion("student", "P2"),),
    )
    assert result.counts == {
        "student": {"leave": 1, "update": 1},
        # the leaver's class, form and contact links go with them; their record stays
        "class_membership": {"remove": 1},
        "group_membership": {"remove": 1},
        "contact_link": {"remove": 1},
    }
    assert person(engine, "P2")["status"] == "left"
    assert person(engine, "P3")["status"] == "active"  # absent from a partial fetch: untouched
    assert members(engine, "K1") == {"P1"}  # the leaver's memberships went with them


def test_incremental_mode_is_chosen_until_a_day_has_passed(engine, school, mis, clock) -> None:
    mis.snapshot = snapshot(*base())
    assert sync_school(engine, school, mis, now=clock).mode == "full"
    clock.advance(hours=2)
    mis.snapshot = snapshot(complete=False)
    incremental = sync_school(engine, school, mis, now=clock)
    assert incremental.mode == "incremental"
    assert mis.since[-1] == clock.now - dt.timedelta(hours=2, minutes=5)
    clock.advance(hours=23)
    mis.snapshot = snapshot(*base())
    assert sync_school(engine, school, mis, now=clock).mode == "full"


def test_left_out_person_is_not_treated_as_a_leaver(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    items = [i for i in base() if getattr(i, "source_id", None) != "T1"]
    items.append(teacher("T1", email=None))
    result = run(engine, school, mis, clock, items)
    assert result.status == "issues_exist"
    assert "teacher" not in result.counts
    assert person(engine, "T1")["status"] == "active"
    with engine.connect() as conn:
        teachers = conn.execute(
            sa.select(sa.func.count())
            .select_from(class_memberships)
            .where(class_memberships.c.role == "teacher")
        ).scalar()
    assert teachers == 1  # their class stays as it was


def test_excluded_person_is_left_alone(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    with engine.begin() as conn:
        conn.execute(sa.update(people).where(people.c.source_id == "P1").values(excluded=True))
    items = [i for i in base() if getattr(i, "source_id", None) != "P1"]
    items.append(pupil("P1", "Zara", "Renamed"))
    result = run(engine, school, mis, clock, items)
    assert result.counts == {}
    assert person(engine, "P1")["surname"] == "Okafor-Lindqvist"


def test_contact_link_update_and_removal(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    items = [i for i in base() if getattr(i, "pupil_source_id", None) is None]
    items.append(link("P1", "C1", relationship="Carer", parental_responsibility=True))
    result = run(engine, school, mis, clock, items)
    assert result.counts == {"contact_link": {"remove": 1, "update": 1}}
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(contact_links.c.relationship, contact_links.c.parental_responsibility)
        ).all()
    assert rows == [("Carer", True)]


def test_every_run_is_recorded(engine, school, mis, clock) -> None:
    run(engine, school, mis, clock, base())
    run(engine, school, mis, clock, base())
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(sync_runs.c.status, sync_runs.c.counts, sync_runs.c.finished_at).order_by(
                sync_runs.c.id
            )
        ).all()
    assert [r.status for r in rows] == ["success", "success"]
    assert rows[0].counts["student"] == {"create": 3}
    assert rows[1].counts == {}
    assert all(r.finished_at is not None for r in rows)


def test_a_value_that_cannot_be_read_does_not_blank_the_stored_one(
    engine, school, mis, clock
) -> None:
    run(engine, school, mis, clock, base())
    items = [i for i in base() if getattr(i, "source_id", None) != "P1"]
    # The MIS sends the pupil with a renamed surname, a date of birth we cannot read, and
    # (so the source says) a warning about it.
    items.append(
        pupil("P1", "Zara", "Okafor", date_of_birth=None, unreadable=frozenset({"date_of_birth"}))
    )
    result = run(engine, school, mis, clock, items)
    assert result.counts == {"student": {"update": 1}}
    row = person(engine, "P1")
    assert (row["surname"], row["date_of_birth"]) == ("Okafor", dt.date(2014, 3, 9))


def test_a_warning_keeps_stored_values_the_record_came_without(engine, school, mis, clock) -> None:
    from schoolsync.model import Issue

    run(engine, school, mis, clock, base())
    items = [i for i in base() if getattr(i, "source_id", None) != "P2"]
    items.append(pupil("P2", "Seán", "O'Brien", date_of_birth=None))
    warning = Issue(
        "student", "Seán O'Brien", "birthDate 'soon' is not a date", "P2", severity="warning"
    )
    result = run(engine, school, mis, clock, items, read_issues=(warning,))
    assert result.counts == {}
    assert person(engine, "P2")["date_of_birth"] == dt.date(2014, 3, 9)


def test_one_schools_syncs_never_overlap(engine, school, mis, clock) -> None:
    from schoolsync.errors import SyncInProgress
    from schoolsync.store.tables import schools

    with engine.begin() as conn:  # another run holds the school
        conn.execute(sa.update(schools).values(lock_run_id=99, lock_taken_at=clock()))
    mis.snapshot = snapshot(*base())
    with pytest.raises(SyncInProgress, match="already being synced"):
        sync_school(engine, school, mis, now=clock)
    with engine.connect() as conn:
        # A refused attempt is not a run: no "failed" run in the history, no alert.
        assert conn.execute(sa.select(sa.func.count()).select_from(sync_runs)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(people)).scalar() == 0
    clock.advance(minutes=3)  # that run died without letting go: its lease runs out
    assert sync_school(engine, school, mis, now=clock).status == "success"
