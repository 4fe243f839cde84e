"""Fleet health on the schools overview in a real headless Chromium: vendor staff see how many
schools are failing, waiting for approval, overdue or paused, and open each list. SQLite only,
like the other browser tests, whose browser and checks these share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.fleet_seed import EXPECTED, seed_fleet
from tests.web.helpers import VENDOR, Site, running_site
from tests.web.test_browser import browser, check, engine, log_in, playwright_api, pytestmark

__all__ = ["browser", "engine", "pytestmark"]  # the shared fixtures and marks


@pytest.fixture
def site(engine: sa.Engine) -> Iterator[Site]:
    with running_site(engine) as running:
        seed_fleet(engine, dt.datetime.now(dt.UTC))
        yield running


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    browser.clear_cookies()
    opened = browser.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    opened.close()


def school_names(page: Any) -> list[str]:
    return [name.strip() for name in page.locator("tbody tr td:first-child").all_inner_texts()]


def test_vendor_staff_see_fleet_health_and_open_each_list(
    page: Any, site: Site, tmp_path: Path
) -> None:
    log_in(page, site, VENDOR, tmp_path)
    assert page.url.endswith("/schools")
    fleet = page.get_by_role("region", name="Fleet health")
    playwright_api.expect(fleet).to_contain_text("9 schools")
    for state, names in EXPECTED.items():
        count = fleet.locator(f"[data-state={state}]")
        playwright_api.expect(count).to_have_text(str(len(names)))
    check(page, tmp_path, "schools-fleet")

    fleet.get_by_role("link", name="Overdue").click()
    playwright_api.expect(page.locator("tbody tr")).to_have_count(2)
    assert school_names(page) == EXPECTED["overdue"]
    playwright_api.expect(fleet.locator("[aria-current=true]")).to_contain_text("Overdue")
    check(page, tmp_path, "schools-overdue")

    # The same from the filters, with the status filter alongside.
    page.get_by_label("Fleet health", exact=True).select_option(label="Paused")
    page.get_by_role("button", name="Show schools").click()
    playwright_api.expect(page.locator("tbody tr")).to_have_count(1)
    assert school_names(page) == EXPECTED["paused"]
    page.get_by_label("Fleet health", exact=True).select_option(label="Failing")
    page.get_by_label("Status").select_option(value="success")
    page.get_by_role("button", name="Show schools").click()
    playwright_api.expect(page.get_by_text("No schools match")).to_be_visible()
