"""Connecting a school in a real browser, against the sandbox over HTTP: a school admin asks
for the MIS sync naming the school's contact (a mistake in the form is named), sees the school
pending and what happens next; vendor staff see how long it has waited; the school approves in
its Wonde portal and the page says it is connected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.config import Settings
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, running_sandbox
from schoolsync.services.sources import mis_readers
from schoolsync.services.webhooks import WebhookReceiver
from schoolsync.serving import serving_in_thread
from schoolsync.web.app import create_web_app
from tests.web.helpers import HEAD_A, NOW, VENDOR, seed
from tests.web.test_browser import browser, check, engine, log_in, pytestmark

__all__ = ["browser", "engine", "pytestmark"]  # the shared fixtures and marks

APP_TOKEN = "browser-app-key-1234"


class Site:
    def __init__(self, url: str, key: str, wonde_url: str) -> None:
        self.url, self.key, self.wonde_url = url, key, wonde_url


@pytest.fixture
def site(engine: sa.Engine, tmp_path: Path) -> Iterator[Site]:
    key_a, _key_b, _run_a, _run_b = seed(engine)
    sandbox = Sandbox.demo(seed=2, pupils=40, token=APP_TOKEN, approved=False)
    clock = [NOW]
    with running_sandbox(sandbox) as wonde_url:
        settings = Settings(
            database_url=str(engine.url), home=tmp_path, secret_key=Fernet.generate_key(),
            wonde_token=APP_TOKEN, wonde_url=wonde_url, wonde_max_attempts=2,
        )  # fmt: skip
        app = create_web_app(engine, mis_readers(settings), clock=lambda: clock[0],
                             webhooks=WebhookReceiver(settings, now=lambda: clock[0]))  # fmt: skip
        with serving_in_thread(app, name="web app") as port:
            url = f"http://127.0.0.1:{port}"
            sandbox.webhook_url = f"{url}/webhooks/wonde"
            site = Site(url, key_a, wonde_url)
            site.clock = clock  # type: ignore[attr-defined]
            yield site


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    browser.clear_cookies()
    page = browser.new_page()
    page.set_default_timeout(20_000)
    yield page
    page.close()


def test_request_the_mis_sync_wait_for_approval_and_see_it_connected(
    page: Any, site: Site, tmp_path: Path
) -> None:
    log_in(page, site, HEAD_A, tmp_path)  # type: ignore[arg-type]
    assert page.url.endswith(f"/schools/{site.key}")
    connection = page.locator("#connection")
    assert "Not connected to Wonde" in connection.inner_text()
    check(page, tmp_path, "not-connected")

    page.get_by_label("The school's Wonde id").fill(DEMO_SCHOOL_ID)
    page.get_by_label("Contact's name").fill("Jo Bloggs")
    page.get_by_label("Contact's email address").fill("jo at larkfield")
    page.get_by_role("button", name="Request the MIS sync").click()
    page.wait_for_load_state()
    error = page.locator("#connect-error").inner_text()
    assert "The contact's email must be an email address" in error
    assert page.get_by_label("Contact's name").input_value() == "Jo Bloggs"  # kept
    check(page, tmp_path, "request-error")

    page.get_by_label("Contact's email address").fill("jo@larkfield.sch.uk")
    page.get_by_label("Contact's phone number (optional)").fill("01234 567890")
    page.get_by_role("button", name="Request the MIS sync").click()
    page.wait_for_load_state()
    text = " ".join(page.locator("#connection").inner_text().split())
    assert "Waiting for the school to approve" in text
    assert "an admin approves the app in the Wonde portal" in text
    assert "Wonde will contact Jo Bloggs (jo@larkfield.sch.uk, 01234 567890)" in text
    assert page.get_by_role("button", name="Start sync").count() == 0
    check(page, tmp_path, "pending")

    # Vendor staff see who waits, and for how long.
    site.clock[0] = NOW + dt.timedelta(days=3, hours=2)  # type: ignore[attr-defined]
    page.context.clear_cookies()
    log_in(page, site, VENDOR, tmp_path)  # type: ignore[arg-type]
    assert "Waiting for the school to approve" in page.locator("table").inner_text()
    page.get_by_role("link", name="Waiting for approval").click()
    page.wait_for_load_state()
    row = page.get_by_role("row", name="Larkfield")
    assert "3 days" in row.inner_text() and "Jo Bloggs" in row.inner_text()
    check(page, tmp_path, "waiting-schools")

    # The school approves in its Wonde portal: the webhook connects it and the sync starts.
    answer = httpx.post(
        f"{site.wonde_url.replace('/v1.0/', '/sandbox/')}schools/{DEMO_SCHOOL_ID}/access",
        json={"decision": "approve"}, headers={"Authorization": f"Bearer {APP_TOKEN}"},
        timeout=60,
    ).json()  # fmt: skip
    assert answer["webhook_status"] == 200
    page.goto(f"{site.url}/schools/{site.key}")
    assert "Connected" in page.locator("#connection").inner_text()
    page.get_by_role("link", name="Waiting for approval").click()
    assert "No school is waiting for its approval." in page.inner_text("main")
