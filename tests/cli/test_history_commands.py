"""Who approved and what was held, as `history` shows them (table and JSON) and the API's runs
(SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.engine.digest import plan_digest
from schoolsync.pipeline import Approval, plan_school, sync_school
from schoolsync.serving import serving_in_thread
from schoolsync.store import schools as school_store
from schoolsync.web.api import create_app
from tests.builders import pupil, snapshot
from tests.cli.conftest import schoolsync

START = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
PUPILS = [f"P{n}" for n in range(20)]


@pytest.fixture
def held_then_approved(engine: sa.Engine) -> str:
    """Twenty pupils; then half vanish (held as a mass-leaver accident); then Ms Patel
    approves."""
    with engine.begin() as conn:
        key = school_store.add_school(
            conn, name="Larkfield", now=START, secret_key=Fernet.generate_key()
        ).key
    everyone = snapshot(*(pupil(p) for p in PUPILS))
    sync_school(engine, key, lambda *_: everyone, now=lambda: START)
    half = snapshot(*(pupil(p) for p in PUPILS[:10]))
    later = START + dt.timedelta(hours=1)
    assert sync_school(engine, key, lambda *_: half, now=lambda: later).status == "needs_approval"
    shown = plan_school(engine, key, lambda *_: half, full=True, now=lambda: later)
    approval = Approval(plan_digest(shown.plan), "Ms Patel")
    sync_school(engine, key, lambda *_: half, now=lambda: later, approval=approval)
    return key


def test_history_json_shows_who_approved_and_what_was_held(env, held_then_approved) -> None:
    runs = json.loads(schoolsync(env, "history", held_then_approved, "--json").stdout)
    approved, held, first = runs
    assert approved["approved_by"] == "Ms Patel"
    assert approved["counts"]["student"] == {"leave": 10}
    assert held["status"] == "needs_approval"
    assert held["held"] == {"student": {"leave": 10}}
    assert held["approved_by"] is None
    assert first["held"] is None


def test_history_table_shows_who_approved_and_what_was_held(env, held_then_approved) -> None:
    table = schoolsync(env, "history", held_then_approved).stdout
    assert "Approved by" in table
    assert "Ms Patel" in table
    assert "pupil leave: 10" in table


def test_api_runs_show_who_approved_and_what_was_held(
    engine: sa.Engine, held_then_approved: str
) -> None:
    with (
        serving_in_thread(create_app(engine, "t"), name="API") as port,
        httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": "Bearer t"}
        ) as client,
    ):
        runs = client.get(f"/api/schools/{held_then_approved}/runs").json()
    assert runs[0]["approved_by"] == "Ms Patel"
    assert runs[1]["held"] == {"student": {"leave": 10}}


def test_manual_sync_without_user_needs_approved_by(env, held_then_approved) -> None:
    without_user = {k: v for k, v in env.items() if k != "USER"}
    refused = schoolsync(without_user, "sync", held_then_approved, "--manual", "--yes", check=False)
    assert refused.returncode == 2
    assert "--approved-by" in refused.stderr
    runs = json.loads(schoolsync(env, "history", held_then_approved, "--json").stdout)
    assert len(runs) == 3  # nothing was attempted, so nothing is recorded as approved by "unknown"
