"""The Schools overview shows each school's next sync and why, in a real headless Chromium:
a school connected to Wonde has its nightly time, a school that only imports files says it is
skipped, and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from schoolsync.store.tables import schools
from tests.web.helpers import VENDOR, Site
from tests.web.test_browser import browser, check, engine, log_in, page, playwright_api, site

__all__ = ["browser", "engine", "page", "site"]  # the fixtures, shared with test_browser

pytestmark = __import__("tests.web.test_browser", fromlist=["pytestmark"]).pytestmark


def test_the_schools_overview_shows_each_schools_next_sync(
    page: Any, site: Site, tmp_path: Path
) -> None:
    with site.engine.begin() as conn:  # Larkfield is connected to Wonde; Brookside imports files
        conn.execute(
            sa.update(schools).where(schools.c.key == site.key_a)
            .values(connection_state="approved", source_kind="wonde", wonde_school_id="A1")
        )  # fmt: skip
    # Midday: outside the nightly window, whenever the test runs (inside it the page says
    # "Due now").
    midday = dt.datetime.now(dt.UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    site.app.state.clock = lambda: midday
    log_in(page, site, VENDOR, tmp_path)
    page.goto(f"{site.url}/schools")
    larkfield = page.locator("tr", has_text="Larkfield Academy")
    brookside = page.locator("tr", has_text="Brookside Primary")
    playwright_api.expect(page.get_by_role("columnheader", name="Next sync")).to_be_visible()
    playwright_api.expect(larkfield.locator(".next-sync")).to_contain_text(
        "Nightly autosync, in the window 01:00–05:00 Europe/London"
    )
    playwright_api.expect(larkfield.locator(".next-sync")).to_contain_text(":")  # a time
    playwright_api.expect(brookside.locator(".next-sync")).to_contain_text(
        "Not connected to Wonde (the school imports files)"
    )
    check(page, tmp_path, "schools-next-sync")
