"""Validation that compares records compares against the stored people too (SQLite and
PostgreSQL), so a full sync and an incremental one that sees only what changed decide alike."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.engine.validate import DUPLICATE_EMAIL
from schoolsync.model import Deletion
from schoolsync.store import schools as school_store
from tests.builders import pupil, teacher
from tests.conftest import Clock
from tests.engine.test_sync_changes import FakeMis, person, run


@pytest.fixture
def mis() -> FakeMis:
    return FakeMis()


@pytest.fixture
def school(engine: sa.Engine, clock: Clock) -> str:
    with engine.begin() as conn:
        return school_store.add_school(
            conn, name="Larkfield Academy", now=clock(), secret_key=Fernet.generate_key()
        ).key


def pupils(shared: str | None) -> list[Any]:
    return [
        pupil("P1", "Zara", "Okafor", email="zara@school.org.uk"),
        pupil("P2", "Seán", "O'Brien", email=shared or "sean@school.org.uk"),
        teacher("T1"),
    ]


def refused(result: Any) -> list[str]:
    return sorted(i.source_id for i in result.issues if i.message == DUPLICATE_EMAIL)


def test_full_and_incremental_syncs_refuse_a_shared_email_alike(
    engine: sa.Engine, school: str, mis: FakeMis, clock: Clock
) -> None:
    run(engine, school, mis, clock, pupils(None))
    full = run(engine, school, mis, clock, pupils("zara@school.org.uk"))
    assert (full.status, refused(full)) == ("issues_exist", ["P1", "P2"])
    assert person(engine, "P2")["email"] == "sean@school.org.uk"

    # The incremental fetch sends only the pupil who changed, not the one whose email it takes.
    changed = [p for p in pupils("zara@school.org.uk") if p.source_id == "P2"]
    incremental = run(engine, school, mis, clock, changed, complete=False)
    assert (incremental.status, refused(incremental)) == ("issues_exist", ["P2"])
    assert person(engine, "P2")["email"] == "sean@school.org.uk"


def test_a_teacher_may_not_take_the_email_of_a_stored_pupil(
    engine: sa.Engine, school: str, mis: FakeMis, clock: Clock
) -> None:
    run(engine, school, mis, clock, pupils(None))
    incremental = run(
        engine, school, mis, clock, [teacher("T1", email="zara@school.org.uk")], complete=False
    )
    assert refused(incremental) == ["T1"]
    assert person(engine, "T1")["email"] == "t1@school.org.uk"


def test_the_email_of_a_leaver_is_free_to_take(
    engine: sa.Engine, school: str, mis: FakeMis, clock: Clock
) -> None:
    run(engine, school, mis, clock, pupils(None))
    changed = [p for p in pupils("zara@school.org.uk") if p.source_id == "P2"]
    result = run(
        engine,
        school,
        mis,
        clock,
        changed,
        complete=False,
        deletions=(Deletion("student", "P1"),),
    )
    assert (result.status, refused(result)) == ("success", [])
    assert person(engine, "P2")["email"] == "zara@school.org.uk"
