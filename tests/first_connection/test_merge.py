"""A first connection over real HTTP against the sandbox, into SQLite and PostgreSQL: existing
accounts loaded, matched, resolved and merged; then syncs with MIS changes in between, and never
a second account."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.errors import NotMerged
from schoolsync.model import Snapshot
from schoolsync.pipeline import sync_school
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, apply_change, running_sandbox
from schoolsync.services import first_connection as service
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store import schools as school_store
from schoolsync.store.tables import class_memberships, classes, people
from tests.first_connection.existing import (
    BIRTHDAY_NOBODY_HAS,
    Existing,
    form_classes,
    pupils_of,
    variant,
)

TOKEN = "first-connection-token"


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, str]]:
    box = Sandbox.demo(seed=7, pupils=120, token=TOKEN)
    with running_sandbox(box) as base_url:
        yield box, base_url


@pytest.fixture
def school(engine: sa.Engine, settings: Settings, served: tuple[Sandbox, str]) -> str:
    with engine.begin() as conn:
        return school_store.add_school(
            conn,
            name="Larkfield Primary",
            now=dt.datetime.now(dt.UTC),
            secret_key=settings.secret_key,
            wonde_school_id=DEMO_SCHOOL_ID,
            api_base_url=served[1],
            token=TOKEN,
        ).key


def read_mis(engine: sa.Engine, settings: Settings, key: str) -> Snapshot:
    with engine.connect() as conn:
        record = school_store.get_school(conn, key)
    return wonde_reader(settings)(record, None, lambda *_: None)


def load(engine: sa.Engine, key: str, snapshot: Snapshot) -> dict[str, Any]:
    """One form class known to the product with planted name variants, a leaver's account,
    and a teacher's account under their email."""
    (form,) = form_classes(snapshot, 1)
    existing = Existing()
    pupils = pupils_of(snapshot, form)
    usernames = [existing.user(p, f"pupil{i}", **variant(p, i)) for i, p in enumerate(pupils)]
    existing.school_class("ttrs-1", f"{form.name} class", usernames)
    leaver = pupils[0]
    existing.user(
        leaver,
        "gone1",
        forename="Long",
        surname="Gone",
        upn="",
        date_of_birth=BIRTHDAY_NOBODY_HAS.isoformat(),
    )
    teacher = next(p for p in snapshot.people if p.role == "teacher" and p.email)
    existing.user(teacher, "teacher1", email=teacher.email or "", date_of_birth="")
    counts = service.import_existing(engine, key, *existing.files())
    assert counts == {"users": len(pupils) + 2, "classes": 1, "memberships": len(pupils)}
    return {"form": form, "pupils": pupils, "teacher": teacher}


def people_rows(engine: sa.Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(people)).mappings())


def assert_one_account_each(engine: sa.Engine, snapshot: Snapshot) -> None:
    rows = [r for r in people_rows(engine) if r["family"] != "contact"]
    by_source = Counter(r["source_id"] for r in rows if r["source_id"])
    assert [s for s, n in by_source.items() if n > 1] == []
    by_upn = Counter(r["upn"] for r in rows if r["upn"] and r["status"] == "active")
    assert [u for u, n in by_upn.items() if n > 1] == []
    names = Counter(
        (r["forename"], r["surname"], r["date_of_birth"])
        for r in rows
        if r["family"] == "pupil" and r["status"] == "active"
    )
    assert [n for n, c in names.items() if c > 1] == []
    pupils = [p for p in snapshot.people if p.role == "student"]
    synced = {r["source_id"] for r in rows if r["family"] == "pupil"}
    assert {p.source_id for p in pupils} <= synced


def test_first_connection_links_and_later_syncs_never_duplicate(
    engine: sa.Engine, settings: Settings, school: str, served: tuple[Sandbox, str]
) -> None:
    box, _url = served
    read = wonde_reader(settings)
    snapshot = read_mis(engine, settings, school)
    planted = load(engine, school, snapshot)
    form, pupils = planted["form"], planted["pupils"]

    with pytest.raises(NotMerged, match="Match and merge first"):
        sync_school(engine, school, read)

    report = service.match_report(engine, school, read)
    row = next(r for r in report.rows if r.mis_class.source_id == form.source_id)
    assert row.suggested.action == "match"
    assert report.class_name(row.suggested.existing_class_id) == f"{form.name} class"
    outcomes = {r.person.source_id: r for r in report.resolutions.values()}
    assert outcomes[pupils[0].source_id].rule == "upn"
    assert outcomes[pupils[1].source_id].outcome == "linked"
    assert outcomes[pupils[2].source_id].outcome == "linked"
    assert outcomes[pupils[3].source_id].outcome == "unresolved"  # no date of birth
    assert outcomes[planted["teacher"].source_id].rule == "email"
    assert [r.person.source_id for r in report.to_resolve[row.key]] == [pupils[3].source_id]

    account = {r["username"]: r["id"] for r in people_rows(engine)}
    service.resolve(engine, school, {report.to_resolve[row.key][0].key: account["pupil3"]})
    summary = service.merge(engine, school, read)
    assert summary.linked_accounts == len(pupils) + 1
    assert summary.linked_classes == 1
    assert summary.untouched_accounts == 1  # the leaver's account, left exactly as it was
    assert summary.sync.status in {"success", "issues_exist"}

    after = {r["username"]: r for r in people_rows(engine) if r["username"]}
    for index, pupil in enumerate(pupils):
        linked = after[f"pupil{index}"]
        assert (linked["id"], linked["source_id"]) == (account[f"pupil{index}"], pupil.source_id)
        assert (linked["forename"], linked["surname"]) == (pupil.forename, pupil.surname)
    assert after["gone1"]["source_id"] is None and after["gone1"]["forename"] == "Long"
    assert after["teacher1"]["source_id"] == planted["teacher"].source_id
    with engine.connect() as conn:
        linked_class = conn.execute(
            sa.select(classes).where(classes.c.external_id == "ttrs-1")
        ).one()
        members = set(
            conn.execute(
                sa.select(class_memberships.c.person_id).where(
                    class_memberships.c.class_id == linked_class.id,
                    class_memberships.c.role == "student",
                )
            ).scalars()
        )
    assert linked_class.source_id == form.source_id
    assert members == {account[f"pupil{i}"] for i in range(len(pupils))}
    assert_one_account_each(engine, snapshot)

    # The MIS changes: a rename, a new joiner, a class move; then an MIS id that changes while
    # the UPN stays (a record re-made in the MIS). Two syncs, and a second merge.
    mis = box.schools[DEMO_SCHOOL_ID]
    rng = random.Random(3)
    with mis.lock:
        record = mis.students[pupils[1].source_id]
        record["surname"] = record["legal_surname"] = "Renamed-Person"
        mis.touch("students", pupils[1].source_id)
    apply_change(mis, "new_joiner", rng)
    apply_change(mis, "class_move", rng)
    first = sync_school(engine, school, read, full=True)
    assert first.status in {"success", "issues_exist"}
    renamed = {r["id"]: r for r in people_rows(engine)}[account["pupil1"]]
    assert renamed["surname"] == "Renamed-Person" and renamed["username"] == "pupil1"

    new_id = rekey_student(mis, pupils[0].source_id)
    second = sync_school(engine, school, read, full=True)
    assert second.status in {"success", "issues_exist"}
    moved = {r["id"]: r for r in people_rows(engine)}[account["pupil0"]]
    assert (moved["source_id"], moved["status"]) == (new_id, "active")

    again = service.merge(engine, school, read)
    assert again.linked_accounts == 0
    final = read_mis(engine, settings, school)
    assert_one_account_each(engine, final)
    assert sync_school(engine, school, read, full=True).counts == {}


def rekey_student(mis: Any, old: str) -> str:
    """The MIS re-makes a pupil's record: a new Wonde id, MIS id and UPI; the same UPN."""
    with mis.lock:
        new = mis.new_id(random.Random(99))
        record = mis.students.pop(old)
        record.update(id=new, mis_id=f"9{record['mis_id']}", upi=f"re-{record['upi']}")
        mis.students[new] = record
        for table in (mis.education_details, mis.extended_details, mis.contact_details):
            if old in table:
                table[new] = table.pop(old)
        for memberships in (mis.class_students, mis.group_students):
            for members in memberships.values():
                members[:] = [new if m == old else m for m in members]
        if old in mis.student_contacts:
            mis.student_contacts[new] = mis.student_contacts.pop(old)
    return new
