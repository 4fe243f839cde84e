# ruff: noqa: F811  (the fixtures imported from test_browser are parameters here)
"""Issue 11's pages in a real Chromium: the Settings page's groups, the exclude toggle on a
person's page, the term dates page and the permissions page (axe-core and a screenshot each)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schoolsync.web import queries
from tests.web.helpers import HEAD_A, Site
from tests.web.test_browser import (  # noqa: F401  (fixtures)
    browser,
    check,
    engine,
    log_in,
    page,
    playwright_api,
    pytestmark,
    site,
)


def test_settings_page_shows_every_group_and_saves_a_toggle(
    page: Any, site: Site, tmp_path: Path
) -> None:
    log_in(page, site, HEAD_A, tmp_path)
    page.goto(f"{site.url}/schools/{site.key_a}/settings")
    for group in ("Import", "SEN", "Attendance summaries", "Pupil photos"):
        playwright_api.expect(page.get_by_role("heading", name=group, exact=True)).to_be_visible()
    check(page, tmp_path, "settings-groups")
    contacts = page.get_by_role("group", name="Pupil contacts")
    contacts.get_by_label("No").check()
    page.get_by_label("Custom SEN codes").fill("MP=K")
    page.get_by_role("button", name="Save settings").click()
    playwright_api.expect(page.get_by_role("status")).to_contain_text("Your settings are saved")
    with site.engine.connect() as conn:
        saved = queries.school_settings(conn, site.key_a)
    assert not saved.sync_contacts and saved.custom_sen_codes == {"MP": "K"}


def test_exclude_a_person_from_their_page_and_include_them_again(
    page: Any, site: Site, tmp_path: Path
) -> None:
    log_in(page, site, HEAD_A, tmp_path)
    page.goto(f"{site.url}/schools/{site.key_a}/people")
    page.get_by_role("link", name="Ayaan Abdullahi").click()
    page.get_by_role("button", name="Exclude from the import").click()
    state = page.locator("#exclusion-state")
    playwright_api.expect(state).to_contain_text(f"Excluded by {HEAD_A}")
    check(page, tmp_path, "person-excluded")
    page.get_by_role("button", name="Include in the import again").click()
    playwright_api.expect(state).to_contain_text("Syncs keep this record up to date")
