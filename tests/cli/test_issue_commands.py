"""The issues a school downloads after an incremental run: its open issues by default, one run's
own with --run, from the command line and the API (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import httpx
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.engine import validate as v
from schoolsync.pipeline import sync_school
from schoolsync.serving import serving_in_thread
from schoolsync.store import schools as school_store
from schoolsync.web.api import create_app
from tests.builders import pupil, snapshot, teacher
from tests.cli.conftest import schoolsync

START = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def after_incremental(engine: sa.Engine) -> tuple[str, int, int]:
    """A full run leaves a teacher out (no email); an incremental run then reads one pupil."""
    with engine.begin() as conn:
        key = school_store.add_school(
            conn, name="Larkfield", now=START, secret_key=Fernet.generate_key()
        ).key
    full = snapshot(pupil("P1"), teacher("T1", "Nobody", "Emailless", email=None, mis_id="1"))
    first = sync_school(engine, key, lambda *_: full, now=lambda: START)
    changed = snapshot(pupil("P1", "Zara"), complete=False)
    later = START + dt.timedelta(hours=2)
    second = sync_school(engine, key, lambda *_: changed, now=lambda: later)
    return key, first.run_id, second.run_id


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))[1:]


def test_issues_writes_the_open_issues_by_default(env, after_incremental) -> None:
    key, first, second = after_incremental
    open_rows = rows(schoolsync(env, "issues", key).stdout)
    assert [r[:5] for r in open_rows] == [
        ["T1", "Teacher", "Nobody Emailless", "1", v.MISSING_EMAIL]
    ]
    assert rows(schoolsync(env, "issues", key, "--run", str(second)).stdout) == []
    assert len(rows(schoolsync(env, "issues", key, "--run", str(first)).stdout)) == 1
    history = schoolsync(env, "history", key).stdout
    assert "0 (1 open)" in history
    assert "Successful" not in history  # the incremental run left a teacher out, too


def test_api_serves_the_open_issues(engine, after_incremental) -> None:
    key, _first, second = after_incremental
    with (
        serving_in_thread(create_app(engine, "t"), name="API") as port,
        httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": "Bearer t"}
        ) as client,
    ):
        open_csv = client.get(f"/api/schools/{key}/issues.csv")
        run_csv = client.get(f"/api/schools/{key}/runs/{second}/issues.csv")
        runs = client.get(f"/api/schools/{key}/runs").json()
    assert open_csv.status_code == 200
    assert [r[0] for r in rows(open_csv.text)] == ["T1"]
    assert rows(run_csv.text) == []
    assert (runs[0]["status"], runs[0]["open_issues"]) == ("issues_exist", 1)
