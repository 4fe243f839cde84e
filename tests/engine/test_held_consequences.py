"""A held change holds everything that follows from it (SQLite and PostgreSQL): a broken MIS
export that loses half the pupils must not take their parents, class places, group places or
contact links with it while the pupils themselves wait for approval."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.pipeline import sync_school
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, apply_change, running_sandbox
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store import schools as school_store
from schoolsync.store.tables import (
    class_memberships,
    contact_links,
    group_memberships,
    people,
)
from tests.builders import teacher
from tests.conftest import Clock
from tests.engine.test_safeguards import Scene, school_items

TOKEN = "held-token"


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox.demo(seed=11, pupils=300, token=TOKEN)
    with running_sandbox(sandbox) as base_url:
        yield sandbox, base_url


def _store_counts(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        by_status = conn.execute(
            sa.select(people.c.role, people.c.status, sa.func.count()).group_by(
                people.c.role, people.c.status
            )
        ).all()
        relations = {
            table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (class_memberships, group_memberships, contact_links)
        }
    return {"people": sorted(tuple(row) for row in by_status), **relations}


def test_a_mass_leaver_accident_holds_the_pupils_and_everything_that_follows(
    engine: sa.Engine, settings: Settings, served: tuple[Sandbox, str]
) -> None:
    sandbox, base_url = served
    with engine.begin() as conn:
        key = school_store.add_school(
            conn,
            name="Sandbox school",
            now=_now(),
            secret_key=settings.secret_key,
            wonde_school_id=DEMO_SCHOOL_ID,
            api_base_url=base_url,
            token=TOKEN,
        ).key
    read = wonde_reader(settings)
    assert sync_school(engine, key, read, full=True).status in ("success", "issues_exist")
    before = _store_counts(engine)
    assert ("contact", "active", before_contacts(before)) in before["people"]

    apply_change(sandbox.schools[DEMO_SCHOOL_ID], "mass_leaver_accident", random.Random(3))
    result = sync_school(engine, key, read, full=True)

    assert result.status == "needs_approval"
    [hold] = [h for h in result.holds if h.rule == "mass_pupil_leavers"]
    assert hold.message.startswith("150 pupils would leave (50% of 300)")
    # The contacts who vanished with their pupils wait with them, and the hold says so.
    assert result.held is not None and result.held["contact"]["leave"] > 0
    assert any(loss.endswith("contacts marked as left") for loss in hold.losses)
    applied = {(entity, kind) for entity, kinds in result.counts.items() for kind in kinds}
    assert not applied & {
        ("student", "leave"),
        ("contact", "leave"),
        ("class_membership", "remove"),
        ("group_membership", "remove"),
        ("contact_link", "remove"),
    }
    assert _store_counts(engine) == before  # nobody left, no place or link lost


def before_contacts(counts: dict[str, Any]) -> int:
    return next(
        n for role, status, n in counts["people"] if (role, status) == ("contact", "active")
    )


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def test_an_email_freed_by_a_held_change_is_not_taken(engine: sa.Engine, clock: Clock) -> None:
    scene = Scene(engine, clock)
    scene.sync(school_items())
    # Every teacher's email changes (held: logins hang off them), and a new teacher arrives
    # with one of the old addresses: giving it to her now would make two users share it.
    result = scene.sync(
        [*school_items(email_suffix=".new"), teacher("T9", email="t1@school.org.uk")]
    )
    assert [h.rule for h in result.holds] == ["mass_email_changes"]
    assert "teacher" not in result.counts
    assert result.held is not None and result.held["teacher"] == {"update": 5, "create": 1}
    with engine.connect() as conn:
        owners = conn.execute(
            sa.select(people.c.source_id).where(people.c.email == "t1@school.org.uk")
        ).all()
    assert [row.source_id for row in owners] == ["T1"]
