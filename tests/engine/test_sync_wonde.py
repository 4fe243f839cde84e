"""Whole syncs from the sandbox over real HTTP into SQLite and PostgreSQL: the sandbox's
day-to-day MIS changes, and bad input that must leave the store exactly as it was."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.pipeline import SyncResult, sync_school
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, apply_change, running_sandbox
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store import schools as school_store
from schoolsync.store.tables import metadata, sync_runs

TOKEN = "sync-token"
HISTORY = {"sync_runs", "issues", "schools", "holds", "notifications"}
DESTRUCTIVE = {"emptied_class", "deleted_class", "deleted_subject"}


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox.demo(seed=11, pupils=300, token=TOKEN)
    with running_sandbox(sandbox) as base_url:
        yield sandbox, base_url


@pytest.fixture
def school(engine: sa.Engine, settings: Settings, served: tuple[Sandbox, str]) -> str:
    with engine.begin() as conn:
        return school_store.add_school(
            conn,
            name="Sandbox school",
            now=_now(),
            secret_key=settings.secret_key,
            wonde_school_id=DEMO_SCHOOL_ID,
            api_base_url=served[1],
            token=TOKEN,
        ).key


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def sync(engine: sa.Engine, settings: Settings, key: str, full: bool = False) -> SyncResult:
    return sync_school(engine, key, wonde_reader(settings), full=full)


def store_dump(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that holds synced data, in a stable order."""
    dump = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in HISTORY:
                continue
            rows = conn.execute(sa.select(table)).all()
            dump[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return dump


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("new_joiner", {("student", "create")}),
        ("leaver", {("student", "leave")}),
        ("rename", {("student", "update")}),
        ("year_group_change", {("student", "update")}),
        ("email_change", {("teacher", "update"), ("staff", "update")}),
        ("class_move", {("class_membership", "add"), ("class_membership", "remove")}),
        ("emptied_class", {("class_membership", "remove")}),
        ("deleted_class", {("class", "delete")}),
        ("deleted_subject", {("subject", "delete"), ("class", "delete")}),
        ("teacher_leaver", {("teacher", "leave"), ("staff", "leave")}),
    ],
)
def test_incremental_sync_sees_each_mis_change(
    engine, settings, served, school, kind, expected
) -> None:
    sandbox, _ = served
    first = sync(engine, settings, school)
    assert first.mode == "full" and first.status in ("success", "issues_exist")
    apply_change(sandbox.schools[DEMO_SCHOOL_ID], kind, random.Random(5))
    result = sync(engine, settings, school)
    assert result.mode == "incremental"
    # destructive ones wait for approval (the safeguards); either way the sync saw them
    applied_or_held = {**result.counts, **(result.held or {})}
    seen = {(entity, change) for entity, kinds in applied_or_held.items() for change in kinds}
    assert seen & expected, f"{kind}: {result.counts} {result.held}"
    assert (result.status == "needs_approval") == (kind in DESTRUCTIVE)
    # and a full sync afterwards agrees: nothing was missed
    assert sync(engine, settings, school, full=True).counts == {}


def test_malformed_page_fails_the_run_and_changes_nothing(engine, settings, served, school) -> None:
    sandbox, _ = served
    sync(engine, settings, school)
    apply_change(sandbox.schools[DEMO_SCHOOL_ID], "rename", random.Random(1))
    before = store_dump(engine)
    sandbox.faults.malformed(count=50, path="classes")
    result = sync(engine, settings, school, full=True)
    assert result.status == "failed"
    assert "classes" in (result.message or "") and "not valid JSON" in (result.message or "")
    assert store_dump(engine) == before
    sandbox.faults.clear()
    assert sync(engine, settings, school, full=True).counts == {"student": {"update": 1}}


def test_page_that_keeps_failing_fails_the_run(engine, settings, served, school) -> None:
    sandbox, _ = served
    sandbox.faults.server_error(status=502, count=50, path="employees")
    result = sync(engine, settings, school)
    assert result.status == "failed"
    assert "employees" in (result.message or "") and "502" in (result.message or "")
    assert all(not rows for rows in store_dump(engine).values())  # nothing half-applied
    with engine.connect() as conn:
        [(status, message)] = conn.execute(sa.select(sync_runs.c.status, sync_runs.c.message))
    assert status == "failed" and "502" in message


def test_record_without_id_fails_naming_it(engine, settings, served, school) -> None:
    sandbox, _ = served
    mis = sandbox.schools[DEMO_SCHOOL_ID]
    first_id = next(iter(mis.employees))
    with mis.lock:
        mis.employees[first_id] = {k: v for k, v in mis.employees[first_id].items() if k != "id"}
    result = sync(engine, settings, school)
    assert result.status == "failed"
    assert "Record 1 of employees from Wonde has no id" in (result.message or "")
    assert all(not rows for rows in store_dump(engine).values())


def test_missing_permission_fails_naming_it(engine, settings, served, school) -> None:
    sandbox, _ = served
    sandbox.deny(DEMO_SCHOOL_ID, "classes.read")
    result = sync(engine, settings, school)
    assert result.status == "failed"
    assert "classes.read" in (result.message or "")


def test_bad_records_become_issues_and_the_rest_is_applied(
    engine, settings, served, school
) -> None:
    sandbox, _ = served
    mis = sandbox.schools[DEMO_SCHOOL_ID]
    ids = list(mis.students)
    with mis.lock:
        mis.students[ids[0]]["gender"] = "ROBOT"
        mis.students[ids[1]]["forename"] = None
        mis.students[ids[1]]["surname"] = None
        group_id = next(iter(mis.groups))
        mis.groups[group_id]["type"] = "WIBBLE"
        class_id = next(iter(mis.classes))
        mis.classes[class_id]["name"] = " "
    result = sync(engine, settings, school)
    assert result.status == "issues_exist"
    by_message = {i.message: i for i in result.issues}
    assert any("ROBOT" in m and by_message[m].severity == "warning" for m in by_message)
    assert any(m.startswith("An unexpected error has occurred") for m in by_message)
    assert any("WIBBLE" in m for m in by_message)
    assert "Missing class name" in by_message
    created = result.counts["student"]["create"]
    assert created == len(ids) - 1  # the nameless pupil is left out; ROBOT is kept


def test_one_id_sent_for_two_different_pupils_leaves_both_out(
    engine, settings, served, school
) -> None:
    sandbox, _ = served
    mis = sandbox.schools[DEMO_SCHOOL_ID]
    first_id, first = next(iter(mis.students.items()))
    with mis.lock:
        # The MIS sends a second, different record under the same Wonde id.
        mis.students["A-duplicate"] = {**first, "forename": "Someone", "surname": "Else"}
    result = sync(engine, settings, school)
    assert result.status == "issues_exist"
    [issue] = [i for i in result.issues if i.source_id == first_id]
    assert issue.message.startswith("An unexpected error has occurred")
    assert "two different records" in issue.message
    assert result.counts["student"]["create"] == len(mis.students) - 2


def test_a_source_that_asks_for_a_long_wait_ends_the_run_as_busy_until_then(
    engine: sa.Engine, settings: Settings, school: str, served: tuple[Sandbox, str]
) -> None:
    sandbox = served[0]
    sandbox.faults.rate_limit(count=10, retry_after=3600, path="students")
    before = _now()
    result = sync(engine, settings, school)
    assert result.status == "failed"
    assert result.message is not None and "source busy, retry at" in result.message
    assert result.retry_at is not None
    assert 3590 <= (result.retry_at - before).total_seconds() <= 3610
    with engine.connect() as conn:
        [stored] = conn.execute(sa.select(sync_runs.c.message)).scalars().all()
    assert "retry at" in stored


def test_a_withheld_contacts_permission_syncs_the_rest_and_keeps_stored_contacts(
    engine: sa.Engine, settings: Settings, school: str, served: tuple[Sandbox, str]
) -> None:
    sandbox = served[0]
    first = sync(engine, settings, school)
    assert first.status != "failed"
    contacts_before = _active_contacts(engine)
    assert contacts_before
    sandbox.deny(DEMO_SCHOOL_ID, "contacts.read")
    apply_change(sandbox.schools[DEMO_SCHOOL_ID], "new_joiner", random.Random(3))
    second = sync(engine, settings, school, full=True)
    assert second.status in ("success_with_warnings", "issues_exist")  # never "failed"
    assert second.counts.get("student", {}).get("create") == 1
    assert _active_contacts(engine) == contacts_before  # none marked as leavers
    [warning] = [i for i in second.issues if "contacts.read" in i.message]
    assert warning.severity == "warning"
    with engine.connect() as conn:
        messages = conn.execute(sa.text("SELECT message FROM issues")).scalars().all()
    assert any("'contacts.read' permission" in m for m in messages)
    # an incremental run, which also reads the contacts endpoint, goes on the same way
    incremental = sync(engine, settings, school)
    assert (incremental.mode, incremental.status) == ("incremental", "success_with_warnings")
    assert _active_contacts(engine) == contacts_before


def _active_contacts(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        query = "SELECT count(*) FROM people WHERE family = 'contact' AND status = 'active'"
        return int(conn.execute(sa.text(query)).scalar_one())
