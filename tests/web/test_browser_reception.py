"""Reception and the write-back log in a real Chromium, on a tablet held upright: find a pupil
by name, pick a reason, done; the log then shows the mark confirmed by the sandbox's MIS."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.config import Settings
from schoolsync.pipeline import sync_school
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, running_sandbox
from schoolsync.services import attendance
from schoolsync.services.writeback_sender import send_due
from schoolsync.serving import serving_in_thread
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store import accounts
from schoolsync.store import schools as school_store
from schoolsync.store.database import make_engine, upgrade
from schoolsync.store.tables import people
from schoolsync.web.app import create_web_app
from tests.web.helpers import PASSWORD
from tests.web.test_browser import browser, check, playwright_api, pytestmark
from tests.writeback.helpers import RunningClock

__all__ = ["browser", "pytestmark"]  # the shared fixture and marks

HEAD = "office@roath.example"
SUPPORT = "sam@vendor.example"
TOKEN = "reception-token"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'schoolsync.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def reception(engine: sa.Engine, tmp_path: Path) -> Iterator[dict[str, Any]]:
    settings = Settings(
        database_url=str(engine.url), home=tmp_path, secret_key=Fernet.generate_key()
    )
    sandbox = Sandbox.demo(seed=9, pupils=60, token=TOKEN)
    sandbox.writebacks.completes_after = 0.2
    with running_sandbox(sandbox) as base_url:
        with engine.begin() as conn:
            key = school_store.add_school(
                conn, name="Roath Park Primary", now=_now(), secret_key=settings.secret_key,
                wonde_school_id=DEMO_SCHOOL_ID, api_base_url=base_url, token=TOKEN,
            ).key  # fmt: skip
            accounts.add_user(conn, email=HEAD, role="school-admin", password=PASSWORD,
                              now=_now(), school_key=key)  # fmt: skip
            accounts.add_user(conn, email=SUPPORT, role="vendor-support", password=PASSWORD,
                              now=_now())  # fmt: skip
        sync_school(engine, key, wonde_reader(settings))
        attendance.refresh_codes(engine, settings, key, _now())
        attendance.configure(engine, key, _now(), reasons=["Dentist=M", "Traffic=L"])
        clock = RunningClock()  # a school morning, whenever the test runs
        app = create_web_app(engine, lambda: wonde_reader(settings), settings=settings, clock=clock)
        with serving_in_thread(app, name="web app") as port:
            yield {"url": f"http://127.0.0.1:{port}", "key": key, "settings": settings,
                   "sandbox": sandbox, "clock": clock}  # fmt: skip


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


@pytest.fixture
def tablet(browser: Any) -> Iterator[Any]:
    browser.clear_cookies()
    page = browser.new_page()
    page.set_viewport_size({"width": 768, "height": 1024})
    page.set_default_timeout(20_000)
    yield page
    page.close()


def log_in(page: Any, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_reception_finds_a_pupil_picks_a_reason_and_the_log_shows_it_confirmed(
    tablet: Any,
    reception: dict[str, Any],
    engine: sa.Engine,
    tmp_path: Path,
) -> None:
    page, url, key = tablet, reception["url"], reception["key"]
    with engine.connect() as conn:
        forename, surname = conn.execute(
            sa.select(people.c.forename, people.c.surname)
            .where(people.c.role == "student", people.c.status == "active")
            .order_by(people.c.id)
        ).first()  # type: ignore[misc]
    log_in(page, url, HEAD)
    page.get_by_role("link", name="Reception: late arrivals and early leavers").click()
    check(page, tmp_path, "reception")
    page.get_by_label("Find a pupil by name").fill(surname[:4])
    page.get_by_role("button", name="Find").click()
    check(page, tmp_path, "reception-found")
    page.get_by_role("link", name=f"{forename} {surname}").first.click()
    playwright_api.expect(page.get_by_role("heading", level=2)).to_have_text(
        f"{forename} {surname}"
    )
    page.get_by_label("Arrived late").check()
    check(page, tmp_path, "reception-pupil")
    # A reason without a choice is refused, saying so at the top, and nothing is stored.
    page.get_by_role("button", name="Record and send to the MIS").click()
    summary = page.locator(".error-summary")
    playwright_api.expect(summary).to_contain_text("Choose a reason")
    check(page, tmp_path, "reception-error")
    page.get_by_label("Traffic").check()
    page.get_by_role("button", name="Record and send to the MIS").click()
    status = page.get_by_role("status")
    playwright_api.expect(status).to_contain_text(f"{forename} {surname}")
    playwright_api.expect(status).to_contain_text("arrived late")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check(page, tmp_path, "reception-done")
    page.get_by_role("link", name="write-back log", exact=True).click()
    row = page.locator("tbody tr")
    playwright_api.expect(row).to_have_count(1)
    playwright_api.expect(row).to_contain_text("Waiting to be sent")
    # The runner's sender, as `schoolsync serve` runs it.
    deadline = time.monotonic() + 30
    while attendance.log(engine, key)[1][0].status != "confirmed":
        assert time.monotonic() < deadline
        send_due(engine, reception["settings"], now=reception["clock"])
        time.sleep(0.1)
    page.reload()
    playwright_api.expect(row).to_contain_text("In the MIS")
    playwright_api.expect(row).to_contain_text("Traffic (L)")
    check(page, tmp_path, "writeback-log")
    assert len(reception["sandbox"].writebacks.received(DEMO_SCHOOL_ID)) == 1


def test_vendor_support_sees_reception_but_cannot_sign_pupils_in(
    tablet: Any,
    reception: dict[str, Any],
    engine: sa.Engine,
) -> None:
    page, url, key = tablet, reception["url"], reception["key"]
    log_in(page, url, SUPPORT)
    with engine.connect() as conn:
        pupil_id = conn.execute(
            sa.select(people.c.id).where(people.c.role == "student").limit(1)
        ).scalar_one()
    page.goto(f"{url}/schools/{key}/reception?pupil={pupil_id}")
    page.get_by_label("Dentist").check()
    page.get_by_role("button", name="Record and send to the MIS").click()
    playwright_api.expect(page.locator("main")).to_contain_text("not sign pupils in")
    assert attendance.log(engine, key)[1] == []
