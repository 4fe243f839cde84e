"""The REST API over real HTTP, against a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.engine.sync import sync_school
from schoolsync.serving import serving_in_thread
from schoolsync.store import schools as school_store
from schoolsync.web.api import create_app
from tests.builders import pupil, school_class, snapshot, teacher

TOKEN = "api-token"
NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def api(engine: sa.Engine) -> Iterator[httpx.Client]:
    with (
        serving_in_thread(create_app(engine, TOKEN), name="API") as port,
        httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {TOKEN}"}
        ) as client,
    ):
        yield client


@pytest.fixture
def school(engine: sa.Engine) -> str:
    with engine.begin() as conn:
        key = school_store.add_school(
            conn, name="Larkfield", now=NOW, secret_key=Fernet.generate_key()
        ).key
    mis = snapshot(
        pupil("P1"),
        pupil("P2"),
        teacher("T1", email=None),
        school_class("K1", "7A/Ma1", students=["P1", "P2"], mis_id="m1"),
    )
    sync_school(engine, key, lambda *_: mis, now=lambda: NOW)
    return key


def test_token_is_required(api: httpx.Client, school: str) -> None:
    response = httpx.get(api.base_url.join("/api/schools"))
    assert response.status_code == 401
    wrong = httpx.get(api.base_url.join("/api/schools"), headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_schools_runs_and_issues_csv(api: httpx.Client, school: str) -> None:
    assert [s["key"] for s in api.get("/api/schools").json()] == [school]
    [run] = api.get(f"/api/schools/{school}/runs").json()
    assert (run["status"], run["issues"]) == ("issues_exist", 1)
    response = api.get(f"/api/schools/{school}/runs/{run['run_id']}/issues.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[1][1:5] == ["Teacher", "Siân O'Connor", "", "User is missing an email"]
    assert api.get(f"/api/schools/{school}/runs/999/issues.csv").status_code == 404
    assert api.get("/api/schools/sch_nope/runs").status_code == 404


def test_dependents_reach_the_warning(api: httpx.Client, school: str, engine: sa.Engine) -> None:
    response = api.put(
        f"/api/schools/{school}/classes/m1/dependents", json={"count": 4, "label": "tasks"}
    )
    assert response.status_code == 200
    assert (
        api.put(f"/api/schools/{school}/classes/m1/dependents", json={"count": -1}).status_code
        == 422
    )
    gone = snapshot(pupil("P1"), pupil("P2"), teacher("T1", email=None))
    held = sync_school(engine, school, lambda *_: gone, now=lambda: NOW + dt.timedelta(hours=1))
    assert held.status == "needs_approval"
    [hold] = api.get(f"/api/schools/{school}/holds").json()
    assert hold["rule"] == "class_gone"
    assert "4 tasks" in hold["losses"]
