"""Records created together are linked together: a plan names a record it creates by
reference, and the store writes the new ids everywhere, history included (SQLite and
PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.model import Snapshot
from schoolsync.pipeline import sync_school
from schoolsync.store import schools as school_store
from schoolsync.store.tables import changes, class_memberships, classes, contact_links, people
from schoolsync.store.tables import subjects as subjects_table
from tests.builders import contact, link, pupil, school_class, snapshot, subject
from tests.conftest import Clock


@pytest.fixture
def school(engine: sa.Engine, clock: Clock) -> str:
    with engine.begin() as conn:
        return school_store.add_school(
            conn, name="Larkfield Academy", now=clock(), secret_key=Fernet.generate_key()
        ).key


def test_a_first_sync_links_and_records_what_it_creates(
    engine: sa.Engine, school: str, clock: Clock
) -> None:
    mis = snapshot(
        pupil("P1", "Zara", "Okafor"),
        contact("C1"),
        link("P1", "C1"),
        subject("S1", "Mathematics"),
        school_class("K1", "7A/Ma1", students=["P1"], subject_source_id="S1"),
    )

    def read(_school: Any, _since: dt.datetime | None, _progress: Any) -> Snapshot:
        return mis

    result = sync_school(engine, school, read, now=clock)
    assert result.status == "success"
    with engine.connect() as conn:
        maths = conn.execute(sa.select(subjects_table.c.id)).scalar_one()
        class_id, class_subject = conn.execute(sa.select(classes.c.id, classes.c.subject_id)).one()
        ids = dict(conn.execute(sa.select(people.c.source_id, people.c.id)).all())
        members = conn.execute(
            sa.select(class_memberships.c.class_id, class_memberships.c.person_id)
        ).all()
        links = conn.execute(sa.select(contact_links.c.pupil_id, contact_links.c.contact_id)).all()
        logged = conn.execute(
            sa.select(changes.c.after).where(changes.c.entity == "class")
        ).scalar_one()
    assert class_subject == maths
    assert members == [(class_id, ids["P1"])]
    assert links == [(ids["P1"], ids["C1"])]
    # The history shows which subject the new class was created in.
    assert logged["subject_id"] == maths
