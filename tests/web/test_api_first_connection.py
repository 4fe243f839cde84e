"""The first connection over the REST API, over real HTTP against a real store (SQLite and
PostgreSQL): load existing accounts (every bad line named), read the class table, merge; vendor
support may read but not change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.serving import serving_in_thread
from schoolsync.store import accounts
from schoolsync.store import schools as school_store
from schoolsync.web.api import create_app
from tests.builders import pupil, school_class, snapshot

TOKEN = "api-token"
NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
BIRTHDAY = dt.date(2015, 3, 9)
USERS = f"username,forename,surname,role,date_of_birth\njon1,Jon,Smith,student,{BIRTHDAY}\n"


def mis() -> object:
    return snapshot(
        pupil("Q1", "Jonathan", "Smith", date_of_birth=BIRTHDAY),
        pupil("Q2", "Noor", "Haddad", date_of_birth=BIRTHDAY),
        pupil("Q3", "Ivy", "Chen", date_of_birth=BIRTHDAY),
        school_class("D1", "6H", students=["Q1", "Q2", "Q3"], mis_id="d1"),
    )


@pytest.fixture
def served(engine: sa.Engine) -> Iterator[tuple[str, str]]:
    with engine.begin() as conn:
        key = school_store.add_school(
            conn, name="Ditton", now=NOW, secret_key=Fernet.generate_key()
        ).key
        user = accounts.add_user(
            conn, email="sam@vendor.example", role="vendor-support", password="x" * 16, now=NOW
        )
        support = accounts.create_api_token(conn, user.id, "script", NOW)
    app = create_app(engine, TOKEN, lambda: lambda *_: mis())
    with serving_in_thread(app, name="API") as port:
        yield f"http://127.0.0.1:{port}", key, support  # type: ignore[misc]


def test_load_read_and_merge(served: tuple[str, str, str]) -> None:
    url, key, support = served
    admin = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"})
    files = {"users": ("users.csv", b"username,forename,surname,role\nx1,Ann,,pupil\n")}
    bad = admin.post(f"/api/schools/{key}/existing-accounts", files=files)
    assert bad.status_code == 422
    assert "users.csv, line 2: surname is empty" in bad.json()["detail"]
    refused = httpx.post(
        f"{url}/api/schools/{key}/existing-accounts",
        files={"users": ("users.csv", USERS.encode())},
        headers={"Authorization": f"Bearer {support}"},
    )
    assert refused.status_code == 403
    loaded = admin.post(
        f"/api/schools/{key}/existing-accounts", files={"users": ("users.csv", USERS.encode())}
    )
    assert loaded.json() == {"users": 1, "classes": 0, "memberships": 0}

    table = admin.get(f"/api/schools/{key}/first-connection").json()
    assert [(c["mis_class_id"], c["suggested"]) for c in table["classes"]] == [("d1", "import")]
    assert table["pupils"] == {"linked": 1, "new": 2}
    merged = admin.post(f"/api/schools/{key}/first-connection/merge").json()
    assert (merged["linked_accounts"], merged["imported_classes"]) == (1, 1)
    assert merged["status"] == "success"
    admin.close()
