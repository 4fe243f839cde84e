"""The contract every source's snapshots keep, whatever the source.

Each source registers one case function with `@source_case`: it returns the inputs to check,
each as a label and a function that reads it. Adding a source (Wonde next) is one such
function; every check below then runs on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import fields, replace
from pathlib import Path
from typing import Any, get_args

import pytest

from schoolsync.engine.fit import KEYS, fit, is_name
from schoolsync.model import Family, Snapshot, SourceKind
from schoolsync.model.current import PERSON_FIELDS, Current, person_values
from schoolsync.sources.ctf.reader import read_ctf
from schoolsync.sources.oneroster.reader import read_oneroster
from schoolsync.sources.staffcsv import read_staff_csv
from schoolsync.store.sizes import STORE_SIZES
from tests.builders import plan_for, stored_person
from tests.conftest import SHARED
from tests.files.cases import CTF, ONEROSTER, STAFFCSV

Read = Callable[[], Snapshot]
SourceCase = Callable[[], list[tuple[str, Read]]]
SOURCE_CASES: dict[str, SourceCase] = {}

FAMILIES = frozenset({"pupil", "employee", "contact", "subject", "class", "group", "contact_link"})


def source_case(case: SourceCase) -> SourceCase:
    SOURCE_CASES[case.__name__] = case
    return case


def _reader(read: Callable[[Path], Snapshot], path: Path) -> Read:
    return lambda: read(path)


@source_case
def ctf() -> list[tuple[str, Read]]:
    return [(path.name, _reader(read_ctf, path)) for path in sorted(CTF.glob("*.xml"))]


@source_case
def oneroster() -> list[tuple[str, Read]]:
    # The third-party sets too, where shared/ is beside the checkout: they are the messiest.
    shared = SHARED / "cases" / "oneroster"
    folders = sorted(ONEROSTER.iterdir())
    if shared.is_dir():
        folders += sorted(path for path in shared.iterdir() if path.is_dir())
    return [(path.name, _reader(read_oneroster, path)) for path in folders]


@source_case
def staff_csv() -> list[tuple[str, Read]]:
    return [(path.name, _reader(read_staff_csv, path)) for path in sorted(STAFFCSV.glob("*.csv"))]


def _wonde_read(seed: int, pupils: int) -> Read:
    """A school served by the sandbox, read by the Wonde client over real HTTP."""

    def read() -> Snapshot:
        from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, running_sandbox
        from schoolsync.sources.http import JsonHttp
        from schoolsync.sources.wonde.client import WondeClient, make_http_client
        from schoolsync.sources.wonde.reader import fetch_snapshot

        sandbox = Sandbox.demo(seed=seed, pupils=pupils, token="contract")
        with running_sandbox(sandbox) as base_url, make_http_client("contract", 10) as client:
            return fetch_snapshot(WondeClient(JsonHttp(client), base_url, DEMO_SCHOOL_ID))

    return read


@source_case
def wonde() -> list[tuple[str, Read]]:
    return [("primary", _wonde_read(2, 120)), ("secondary", _wonde_read(3, 800))]


def _inputs() -> Iterator[tuple[str, str, Read]]:
    for source, case in SOURCE_CASES.items():
        for label, read in case():
            yield source, label, read


INPUTS = list(_inputs())


@pytest.fixture(params=INPUTS, ids=[f"{source}:{label}" for source, label, _ in INPUTS])
def read(request: pytest.FixtureRequest) -> Read:
    return request.param[2]  # type: ignore[no-any-return]


@pytest.fixture
def snapshot(read: Read) -> Snapshot:
    return read()


def test_source_and_covers_are_set(snapshot: Snapshot) -> None:
    assert snapshot.source in get_args(SourceKind)
    assert snapshot.covers, "a snapshot that covers nothing can change nothing"
    assert snapshot.covers <= FAMILIES
    # People of a family the snapshot does not cover would be created but never leave.
    assert {p.family for p in snapshot.people} <= snapshot.covers


def test_person_fields_name_fields_the_store_has(snapshot: Snapshot) -> None:
    """A file speaks for some fields only; every source speaks for who someone is."""
    if snapshot.person_fields is not None:
        assert snapshot.person_fields <= set(PERSON_FIELDS)
        assert {"forename", "surname"} <= snapshot.person_fields


def test_one_person_per_family_and_id(snapshot: Snapshot) -> None:
    keys = [(p.family, p.source_id) for p in snapshot.people]
    assert len(keys) == len(set(keys))


def test_every_person_has_an_id_and_a_name(snapshot: Snapshot) -> None:
    for person in snapshot.people:
        assert person.source_id.strip()
        assert person.display_name.strip()


def test_relations_name_people_the_snapshot_can_vouch_for(snapshot: Snapshot) -> None:
    """A complete snapshot that covers a family names only people of that family it holds; an
    incomplete one may name people stored earlier, but always by a real id."""
    present: dict[Family, set[str]] = {"pupil": set(), "employee": set(), "contact": set()}
    for person in snapshot.people:
        present[person.family].add(person.source_id)

    def check(family: Family, ids: tuple[str, ...] | list[str]) -> None:
        for source_id in ids:
            assert source_id.strip()
            if snapshot.complete and family in snapshot.covers:
                assert source_id in present[family], f"{family} {source_id} is not in the snapshot"

    for school_class in snapshot.classes:
        check("pupil", school_class.student_ids)
        check("employee", school_class.teacher_ids)
    for group in snapshot.groups:
        check("pupil", group.student_ids)
        check("employee", group.employee_ids)
    for link in snapshot.contact_links:
        check("pupil", [link.pupil_source_id])
        check("contact", [link.contact_source_id])


def test_deletions_only_where_absence_cannot_say_it(snapshot: Snapshot) -> None:
    if snapshot.complete:
        assert snapshot.deletions == ()
    assert all(deletion.source_id.strip() for deletion in snapshot.deletions)


def test_reading_twice_gives_the_same_snapshot(read: Read, snapshot: Snapshot) -> None:
    assert read() == snapshot


def test_issues_say_what_and_where(snapshot: Snapshot) -> None:
    for issue in snapshot.read_issues:
        assert issue.entity_type and issue.message
        assert issue.severity in ("error", "warning")


def test_the_engine_can_plan_it_against_an_empty_store(snapshot: Snapshot) -> None:
    validated, plan = plan_for(snapshot)
    created = {(change.entity, change.key) for change in plan.changes if change.kind == "create"}
    for person in validated.snapshot.people:
        assert (person.role, person.source_id) in created


def test_after_the_fit_step_every_value_fits_the_store(snapshot: Snapshot) -> None:
    fitted = fit(snapshot, STORE_SIZES)

    def check(table: str, values: dict[str, Any]) -> None:
        for name, value in values.items():
            limit = STORE_SIZES[table].get(name)
            if isinstance(value, str) and limit is not None:
                assert len(value) <= limit, f"{table}.{name}"

    for person in fitted.people:
        check("people", person_values(person))
    for table, records in (
        ("subjects", fitted.subjects),
        ("classes", fitted.classes),
        ("groups", fitted.groups),
    ):
        for record in records:
            check(table, {f.name: getattr(record, f.name) for f in fields(record)})
    for issue in fitted.read_issues:
        check("issues", {f.name: getattr(issue, f.name) for f in fields(issue)})


def test_a_value_too_long_never_blanks_a_stored_one(snapshot: Snapshot) -> None:
    """Whatever the source, a value the store cannot hold leaves the stored value in place."""
    if not snapshot.people:
        pytest.skip("no people in this input")
    person = snapshot.people[0]
    text_fields = {f.name for f in fields(person) if f.type == "str | None"}
    optional = [
        name
        for name in person_values(person)
        if name in STORE_SIZES["people"]
        and name in text_fields
        and name not in KEYS
        and not is_name(name)
    ]
    assert "email" in optional and "title" in optional
    stored = stored_person(1, person, **{name: "kept" for name in optional})
    sent = replace(person, **{name: "x" * 1000 for name in optional})
    fitted = fit(replace(snapshot, people=(sent,)), STORE_SIZES)
    _, plan = plan_for(fitted, Current(people=(stored,)))
    for change in plan.changes:
        if change.record_id == 1:
            assert not set(change.after) & set(optional), change


def test_an_unreadable_value_never_blanks_a_stored_one(snapshot: Snapshot) -> None:
    """A source that could not read a value says so (`unreadable`): the stored one stays."""
    if not snapshot.people:
        pytest.skip("no people in this input")
    person = snapshot.people[0]
    optional = [
        f.name
        for f in fields(person)
        if f.type in ("str | None", "dt.date | None", "Gender | None") and f.name not in KEYS
    ]
    assert {"email", "date_of_birth", "gender", "title"} <= set(optional)
    kept: dict[str, Any] = {name: "kept" for name in optional}
    kept["date_of_birth"] = dt.date(2014, 3, 9)
    stored = stored_person(1, person, **kept)
    sent = replace(person, unreadable=frozenset(optional), **dict.fromkeys(optional))
    _, plan = plan_for(replace(snapshot, people=(sent,)), Current(people=(stored,)))
    for change in plan.changes:
        if change.record_id == 1:
            assert not set(change.after) & set(optional), change
