"""A OneRoster round trip: the sandbox school synced from Wonde, exported, and the export imported
into a fresh school gives the same people, roles, classes, groups, subjects and memberships, with
the values OneRoster has a column for.

What OneRoster has no column for is not compared: UPN and UPI (never exported), titles, SEN,
FSM and attendance, staff's and parents' dates of birth, a contact link's exact relationship,
parental responsibility and "lives with", MIS ids of classes, groups and subjects, and the
source ids (the export's sourcedIds are its own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.exports import export_oneroster
from schoolsync.pipeline import SyncResult, sync_school
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, running_sandbox
from schoolsync.sources.registry import file_reader_for
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store import schools as school_store
from schoolsync.store.tables import (
    class_memberships,
    classes,
    contact_links,
    group_memberships,
    groups,
    people,
    subjects,
)

TOKEN = "round-trip-token"
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    with running_sandbox(Sandbox.demo(seed=1, pupils=2000, token=TOKEN)) as base_url:
        yield base_url


def import_package(engine: sa.Engine, folder: Path, name: str) -> tuple[int, SyncResult]:
    with engine.begin() as conn:
        school = school_store.add_school(conn, name=name, now=NOW, secret_key=b"x" * 44)
    kind, reader = file_reader_for(folder, None)
    result = sync_school(engine, school.key, reader, file_import=True, source=kind)
    return school.id, result


def school_content(conn: sa.Connection, school_id: int) -> dict[str, Any]:
    """The school's current records, keyed by what a OneRoster round trip keeps."""
    person_rows = conn.execute(
        sa.select(people).where(people.c.school_id == school_id, people.c.status == "active")
    ).mappings()
    found: dict[str, Any] = {"people": {}}
    person_keys: dict[int, tuple[str, str]] = {}
    for row in person_rows:
        key = (row["role"], row["mis_id"])
        assert key not in found["people"], f"two people with {key}"
        person_keys[row["id"]] = key
        pupil = row["role"] == "student"
        found["people"][key] = {
            "forename": row["forename"],
            "surname": row["surname"],
            "middle_names": row["middle_names"],
            # A source without legal names has the names used as the legal ones.
            "legal_forename": row["legal_forename"] or row["forename"],
            "legal_middle_names": row["legal_middle_names"] or row["middle_names"],
            "legal_surname": row["legal_surname"] or row["surname"],
            "email": row["email"],
            "username": row["username"],
            "year_group": row["year_group"] if pupil else None,
            "date_of_birth": row["date_of_birth"] if pupil else None,
            # 1.2's "unspecified" is both "not stated" and "not known".
            "gender": (row["gender"] or "not_stated") if pupil else None,
        }
    subject_rows = conn.execute(
        sa.select(subjects).where(subjects.c.school_id == school_id, subjects.c.status == "active")
    ).mappings()
    subject_names = {}
    found["subjects"] = set()
    for row in subject_rows:
        subject_names[row["id"]] = row["name"]
        found["subjects"].add((row["name"], row["code"]))

    def members(table: sa.Table, parent: sa.Column[Any]) -> dict[int, set[Any]]:
        listed: dict[int, set[Any]] = {}
        for parent_id, person_id, role in conn.execute(
            sa.select(parent, table.c.person_id, table.c.role).where(table.c.school_id == school_id)
        ):
            if person_id in person_keys:
                listed.setdefault(parent_id, set()).add((role, person_keys[person_id]))
        return listed

    class_members = members(class_memberships, class_memberships.c.class_id)
    found["classes"] = {}
    for row in conn.execute(
        sa.select(classes).where(classes.c.school_id == school_id, classes.c.status == "active")
    ).mappings():
        key = (row["name"], row["code"])
        assert key not in found["classes"], f"two classes {key}"
        found["classes"][key] = {
            "subject": subject_names.get(row["subject_id"]),
            "year_group": row["year_group"],
            "location": row["location"],
            "members": class_members.get(row["id"], set()),
        }
    group_members = members(group_memberships, group_memberships.c.group_id)
    found["groups"] = {}
    for row in conn.execute(
        sa.select(groups).where(groups.c.school_id == school_id, groups.c.status == "active")
    ).mappings():
        key = (row["kind"], row["name"], row["code"])
        assert key not in found["groups"], f"two groups {key}"
        found["groups"][key] = group_members.get(row["id"], set())
    found["contact_links"] = {
        (person_keys[pupil], person_keys[contact]): priority
        for pupil, contact, priority in conn.execute(
            sa.select(
                contact_links.c.pupil_id, contact_links.c.contact_id, contact_links.c.priority
            ).where(contact_links.c.school_id == school_id)
        )
        if pupil in person_keys and contact in person_keys
    }
    return found


def counts(content: dict[str, Any]) -> dict[str, int]:
    return {
        "people": len(content["people"]),
        "subjects": len(content["subjects"]),
        "classes": len(content["classes"]),
        "groups": len(content["groups"]),
        "class memberships": sum(len(c["members"]) for c in content["classes"].values()),
        "group memberships": sum(len(m) for m in content["groups"].values()),
        "contact links": len(content["contact_links"]),
    }


@pytest.mark.slow
def test_the_sandbox_school_survives_an_export_and_import(
    engine: sa.Engine, settings: Settings, sandbox_url: str, tmp_path: Path
) -> None:
    with engine.begin() as conn:
        original = school_store.add_school(
            conn,
            name="Sandbox school",
            now=NOW,
            secret_key=settings.secret_key,
            wonde_school_id=DEMO_SCHOOL_ID,
            api_base_url=sandbox_url,
            token=TOKEN,
        )
    synced = sync_school(engine, original.key, wonde_reader(settings))
    assert synced.status in ("success", "issues_exist"), synced.message
    with engine.begin() as conn:
        export_oneroster(conn, original.id, tmp_path / "export", now=NOW)

    copy_id, imported = import_package(engine, tmp_path / "export", "Copy")

    assert imported.status == "success", imported.issues[:5]
    with engine.connect() as conn:
        before, after = school_content(conn, original.id), school_content(conn, copy_id)
    # Every kind of record and relation, in number...
    assert counts(after) == counts(before)
    assert counts(before)["groups"] > len([g for g in before["groups"] if g[0] == "registration"])
    # ...and in value.
    for part in ("subjects", "groups", "contact_links", "classes", "people"):
        assert after[part] == before[part], part

    # A second import of the same package changes nothing.
    kind, reader = file_reader_for(tmp_path / "export", None)
    key = _key(engine, copy_id)
    again = sync_school(engine, key, reader, file_import=True, source=kind)
    assert (again.status, again.counts) == ("success", {})


def _key(engine: sa.Engine, school_id: int) -> str:
    from schoolsync.store.tables import schools

    with engine.connect() as conn:
        return str(conn.execute(sa.select(schools.c.key).where(schools.c.id == school_id)).one()[0])


def test_a_class_without_a_subject_comes_back_without_one(
    engine: sa.Engine, tmp_path: Path
) -> None:
    """The seeded school has a class with no subject and one whose subject was deleted: the
    export gives both a stand-in course, which an import must not turn into a subject."""
    from tests.exports.seed import seed_school

    with engine.begin() as conn:
        original_id = seed_school(conn)["school"]
        export_oneroster(conn, original_id, tmp_path / "export", now=NOW)

    copy_id, imported = import_package(engine, tmp_path / "export", "Copy")

    assert imported.status == "success", imported.issues
    with engine.connect() as conn:
        copy = school_content(conn, copy_id)
    assert {name for name, _ in copy["subjects"]} == {"Mathematics", "English"}
    subject_of = {name: c["subject"] for (name, _), c in copy["classes"].items()}
    assert subject_of == {
        "7A/Ma1": "Mathematics",
        "9B/En1": "English",
        "Latin club": None,
        "Study skills": None,
    }
    assert {(kind, name) for kind, name, _ in copy["groups"]} == {
        ("registration", "7AB"),
        ("year", "Year 7"),
    }
