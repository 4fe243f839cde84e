"""A running web app with two schools and one account of each role, and a browser-like client."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.model import Snapshot
from schoolsync.pipeline import sync_school
from schoolsync.serving import serving_in_thread
from schoolsync.store import accounts
from schoolsync.store import schools as school_store
from schoolsync.store.tables import schools
from schoolsync.web.app import create_web_app
from tests.builders import pupil, school_class, snapshot, teacher

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"
VENDOR = "ana@vendor.example"
SUPPORT = "sam@vendor.example"
HEAD_A = "head@larkfield.example"
ISSUES_HEADER = ["Integration Source ID", "Entity Type", "Entity Name", "MIS ID", "Error Message"]


@dataclass(frozen=True)
class Site:
    url: str
    engine: sa.Engine
    key_a: str
    key_b: str
    run_a: int
    run_b: int
    app: Any


def mis(name: str) -> Snapshot:
    # A teacher with no email is an issue, so every run has an issues CSV to download.
    return snapshot(
        pupil("P1"),
        pupil("P2", forename="Ayaan", surname="Abdullahi"),
        teacher("T1", email=None),
        school_class("K1", f"{name} 7A/Ma1", students=["P1", "P2"], mis_id="m1"),
    )


def seed(engine: sa.Engine) -> tuple[str, str, int, int]:
    keys = []
    for name, urn in (("Larkfield Academy", "100001"), ("Brookside Primary", "100002")):
        with engine.begin() as conn:
            key = school_store.add_school(
                conn, name=name, now=NOW, secret_key=Fernet.generate_key()
            ).key
            conn.execute(sa.update(schools).where(schools.c.key == key).values(urn=urn))
        keys.append(key)
    run_a = sync_school(engine, keys[0], lambda *_: mis("Larkfield"), now=lambda: NOW).run_id
    run_b = sync_school(engine, keys[1], lambda *_: mis("Brookside"), now=lambda: NOW).run_id
    with engine.begin() as conn:
        for email, role, key in (
            (VENDOR, "vendor-admin", None),
            (SUPPORT, "vendor-support", None),
            (HEAD_A, "school-admin", keys[0]),
        ):
            accounts.add_user(
                conn, email=email, role=role, password=PASSWORD, now=NOW, school_key=key
            )
    return keys[0], keys[1], run_a, run_b


@contextmanager
def running_site(
    engine: sa.Engine,
    api_token: str | None = None,
    read_seconds: float = 0.0,
    read_mis: Callable[[str], Snapshot] = mis,
) -> Iterator[Site]:
    """`read_seconds`: how long each sync takes to read the MIS (long enough to watch it);
    `read_mis`: what the MIS holds, by the first word of the school's name."""
    key_a, key_b, run_a, run_b = seed(engine)

    def read(school: Any, _since: Any, progress: Any) -> Snapshot:
        steps = 5
        for done in range(1, steps + 1):
            time.sleep(read_seconds / steps)
            progress("students", done, steps)
        return read_mis(school.name.split()[0])

    def reader() -> Any:
        return read

    app = create_web_app(engine, reader, api_token=api_token)
    with serving_in_thread(app, name="web app") as port:
        yield Site(f"http://127.0.0.1:{port}", engine, key_a, key_b, run_a, run_b, app)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def log_in(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(form.text)},
    )


@contextmanager
def browser_client_at(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, follow_redirects=True, timeout=30) as client:
        yield client


@contextmanager
def browser_client(site: Site, email: str | None = None) -> Iterator[httpx.Client]:
    with browser_client_at(site.url) as client:
        if email:
            response = log_in(client, email)
            assert response.status_code == 200, response.text
        yield client
