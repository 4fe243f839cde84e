"""The web app in a real headless Chromium (Debian's own, driven by Playwright): the flows a
school admin and vendor staff go through, axe-core on every page, a screenshot of every page.

Browser tests are CPU-heavy: they run on SQLite only (the store is tested on both databases
elsewhere), with one browser per module and a real server per test.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from schoolsync.store.database import make_engine, upgrade
from tests.web.helpers import HEAD_A, ISSUES_HEADER, PASSWORD, VENDOR, Site, running_site

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.slow,
    # Skipped on a machine without it, never in CI (CI=true), where scripts/setup installs it.
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="needs Debian's chromium: scripts/setup",
    ),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            # A fresh, empty profile: Playwright passes it as --user-data-dir itself.
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            # Only so that axe-core can be injected: the app's own CSP stays on for its pages.
            bypass_csp=True,
            viewport={"width": 1024, "height": 768},
        )
        yield context
        context.close()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'schoolsync.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def site(engine: sa.Engine) -> Iterator[Site]:
    with running_site(engine, read_seconds=3.0) as running:
        yield running


@pytest.fixture
def page(browser: Any, site: Site, tmp_path: Path) -> Iterator[Any]:
    browser.clear_cookies()
    page = browser.new_page()
    page.set_default_timeout(20_000)
    yield page
    page.close()


def check(page: Any, tmp_path: Path, name: str) -> None:
    """A screenshot of the page as it is now, and axe-core on it (no serious or critical
    violations)."""
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: {bad}"


def log_in(page: Any, site: Site, email: str, tmp_path: Path) -> None:
    page.goto(f"{site.url}/login")
    check(page, tmp_path, "login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_log_in_start_a_sync_and_watch_it_finish(page: Any, site: Site, tmp_path: Path) -> None:
    log_in(page, site, HEAD_A, tmp_path)
    assert page.url.endswith(f"/schools/{site.key_a}")
    assert page.get_by_role("heading", level=1).inner_text() == "Larkfield Academy"
    check(page, tmp_path, "school")
    page.get_by_role("button", name="Start sync").click()
    panel = page.locator("#progress")
    playwright_api.expect(panel).to_contain_text("Syncing now")
    playwright_api.expect(panel).to_contain_text("Reading pupils")
    playwright_api.expect(panel.get_by_role("link", name="Refresh")).to_be_hidden()
    check(page, tmp_path, "school-syncing")
    # The page polls, then reloads itself when the run ends: nobody presses anything.
    playwright_api.expect(panel).to_contain_text("The sync has finished", timeout=30_000)
    playwright_api.expect(page.locator("tbody tr")).to_have_count(2)
    check(page, tmp_path, "school-synced")
    # On a tablet held upright nothing needs scrolling sideways.
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check(page, tmp_path, "school-tablet")
    page.set_viewport_size({"width": 1024, "height": 768})


def test_download_the_issues_csv(page: Any, site: Site, tmp_path: Path) -> None:
    log_in(page, site, VENDOR, tmp_path)
    assert page.url.endswith("/schools")
    check(page, tmp_path, "schools")
    page.get_by_label("Search by school name or URN").fill("100001")
    page.get_by_role("button", name="Show schools").click()
    playwright_api.expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Larkfield Academy").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download issues").first.click()
    saved = tmp_path / "issues.csv"
    download_info.value.save_as(str(saved))
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0][:5] == ISSUES_HEADER
    assert rows[1][4] == "User is missing an email"


def test_a_school_admin_is_refused_another_schools_pages(
    page: Any, site: Site, tmp_path: Path
) -> None:
    log_in(page, site, HEAD_A, tmp_path)
    for path in (
        f"/schools/{site.key_b}",
        f"/schools/{site.key_b}/runs/{site.run_b}/issues.csv",
        f"/schools/{site.key_b}/progress",
    ):
        response = page.goto(f"{site.url}{path}")
        assert response.status == 404, path
        assert "Page not found" in page.content() and "Brookside" not in page.content()
    check(page, tmp_path, "not-found")


def test_api_tokens_page_and_a_login_error(page: Any, site: Site, tmp_path: Path) -> None:
    page.goto(f"{site.url}/login")
    page.get_by_label("Email address").fill(VENDOR)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    summary = page.locator(".error-summary")
    playwright_api.expect(summary).to_contain_text("Enter a correct email address and password")
    playwright_api.expect(summary).to_be_focused()
    check(page, tmp_path, "login-error")
    log_in(page, site, VENDOR, tmp_path)
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("nightly report")
    page.get_by_role("button", name="Create token").click()
    playwright_api.expect(page.locator("code.token")).to_contain_text("ss_")
    check(page, tmp_path, "api-tokens")
    page.get_by_role("link", name="Users").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    check(page, tmp_path, "users")


def test_log_out(page: Any, site: Site, tmp_path: Path) -> None:
    log_in(page, site, VENDOR, tmp_path)
    page.get_by_role("button", name="Log out").click()
    playwright_api.expect(page.get_by_role("status")).to_contain_text("You have logged out")
    page.goto(f"{site.url}/schools")
    assert "/login" in page.url
