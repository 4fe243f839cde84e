"""The pages of part 2 in a real headless Chromium: a held deletion approved through the
manual sync wizard, a stale plan shown again, a setting refused with one error in the summary,
and axe-core plus a screenshot on every new page (run, people, person, classes, class, settings,
each wizard step).

CPU-heavy like tests/web/test_browser.py, whose browser and checks these share: SQLite only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from schoolsync.model import Snapshot
from schoolsync.pipeline import sync_school
from tests.web.helpers import HEAD_A, NOW, Site, running_site
from tests.web.test_browser import browser, check, engine, log_in, playwright_api, pytestmark
from tests.web.test_manual_wizard import larkfield

__all__ = ["browser", "engine", "pytestmark"]  # the shared fixtures and marks


@pytest.fixture
def world(engine: sa.Engine) -> Iterator[tuple[Site, dict[str, Snapshot]]]:
    """Larkfield synced with three classes; its MIS now has two of them emptied."""
    state = {"Larkfield": larkfield()}
    with running_site(engine, read_mis=lambda name: state.get(name, larkfield())) as site:
        later = NOW + dt.timedelta(hours=1)
        sync_school(engine, site.key_a, lambda *_: state["Larkfield"], now=lambda: later)
        state["Larkfield"] = larkfield(emptied=("K2", "K3"))
        yield site, state


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    browser.clear_cookies()
    opened = browser.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    opened.close()


def to_warnings(page: Any, site: Site, tmp_path: Path) -> None:
    page.goto(f"{site.url}/schools/{site.key_a}")
    page.get_by_role("link", name="Manual sync").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which subjects should be synced?"
    )
    check(page, tmp_path, "manual-1-subjects")
    # Un-ticking a synced subject marks it removed (red) at once, with no script.
    page.get_by_label("Maths").uncheck()
    playwright_api.expect(page.locator(".choice-remove label", has_text="Maths")).to_have_css(
        "color", "rgb(148, 37, 20)"
    )
    page.get_by_label("Maths").check()
    page.get_by_role("button", name="Continue to classes").click()
    check(page, tmp_path, "manual-2-classes")
    page.get_by_role("button", name="Continue to the warnings").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Check the warnings")


def test_a_held_deletion_approved_through_the_wizard(
    page: Any, world: tuple[Site, dict[str, Snapshot]], tmp_path: Path
) -> None:
    site, _state = world
    log_in(page, site, HEAD_A, tmp_path)
    to_warnings(page, site, tmp_path)
    check(page, tmp_path, "manual-3-warnings")
    approvals = page.get_by_label("Approve this change")
    playwright_api.expect(approvals).to_have_count(2)
    approvals.first.check()
    page.get_by_role("button", name="Continue: apply this plan").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_contain_text("Sync started")
    held = page.locator(".panel")
    playwright_api.expect(held).to_have_count(1)  # the one not approved still waits
    playwright_api.expect(held).to_contain_text("Waiting for approval")
    check(page, tmp_path, "run")


def test_a_stale_plan_is_shown_again(
    page: Any, world: tuple[Site, dict[str, Snapshot]], tmp_path: Path
) -> None:
    site, state = world
    log_in(page, site, HEAD_A, tmp_path)
    to_warnings(page, site, tmp_path)
    state["Larkfield"] = larkfield(emptied=("K2", "K3"), extra_pupil=True)
    page.get_by_role("button", name="Continue: apply this plan").click()
    playwright_api.expect(page.get_by_role("alert")).to_contain_text(
        "Your MIS changed since you looked"
    )
    playwright_api.expect(page.locator("main")).to_contain_text("student: 1 added")
    check(page, tmp_path, "manual-3-stale")


def test_a_setting_with_one_error_in_the_summary(
    page: Any, world: tuple[Site, dict[str, Snapshot]], tmp_path: Path
) -> None:
    site, _state = world
    log_in(page, site, HEAD_A, tmp_path)
    page.goto(f"{site.url}/schools/{site.key_a}/settings")
    check(page, tmp_path, "settings")
    page.get_by_label("Staff leaving in one sync (%)").fill("101")
    page.get_by_role("button", name="Save settings").click()
    summary = page.locator(".error-summary")
    playwright_api.expect(summary.locator("li")).to_have_count(1)
    playwright_api.expect(summary).to_be_focused()  # read out first by a screen reader
    check(page, tmp_path, "settings-error")
    summary.get_by_role("link").click()
    playwright_api.expect(page.get_by_label("Staff leaving in one sync (%)")).to_be_focused()


def test_people_and_classes_pages_pass_axe(
    page: Any, world: tuple[Site, dict[str, Snapshot]], tmp_path: Path
) -> None:
    site, _state = world
    log_in(page, site, HEAD_A, tmp_path)
    page.goto(f"{site.url}/schools/{site.key_a}/people")
    check(page, tmp_path, "people")
    page.get_by_role("link", name="Amara Okafor").first.click()
    check(page, tmp_path, "person")
    page.goto(f"{site.url}/schools/{site.key_a}/classes")
    check(page, tmp_path, "classes")
    page.get_by_role("link", name="7A/Ma1").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("7A/Ma1")
    check(page, tmp_path, "class")
