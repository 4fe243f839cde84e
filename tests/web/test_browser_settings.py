# ruff: noqa: F811  (the fixtures imported from test_browser are parameters here)
"""Issue 11's pages in a real Chromium: the Settings page's groups, the exclude toggle and the
pupil's photo on a person's page, the term dates page and the permissions page (axe-core and a
screenshot each)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schoolsync.sandbox.photos import png
from schoolsync.services.schools import school_named
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
from tests.web.test_person_photo import give_photo, pupil_id


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
    saved = school_named(site.engine, site.key_a).settings
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


def test_enter_term_dates_on_the_term_dates_page(page: Any, site: Site, tmp_path: Path) -> None:
    log_in(page, site, HEAD_A, tmp_path)
    page.goto(f"{site.url}/schools/{site.key_a}")
    page.get_by_role("link", name="Term dates").click()
    playwright_api.expect(page.locator("#pause-state")).to_contain_text("no term dates")
    check(page, tmp_path, "terms-empty")
    heading = page.get_by_role("heading", level=2).filter(has_text="Enter the term dates of")
    year = heading.inner_text().split()[-1]  # e.g. 2026/27
    start = int(year[:4])
    dates = [
        (f"{start}-09-03", f"{start}-10-23"), (f"{start}-11-02", f"{start}-12-18"),
        (f"{start + 1}-01-05", f"{start + 1}-02-12"), (f"{start + 1}-02-22", f"{start + 1}-03-26"),
        (f"{start + 1}-04-12", f"{start + 1}-05-28"), (f"{start + 1}-06-07", f"{start + 1}-07-21"),
    ]  # fmt: skip
    for term, (first, last) in zip(
        ("Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2"), dates, strict=True
    ):
        page.get_by_label(f"First day of {term}").fill(first)
        page.get_by_label(f"Last day of {term}").fill(last)
    page.get_by_label("Last day of Spring 1").fill(f"{start + 1}-01-01")  # before it starts
    page.get_by_role("button", name="Save term dates").click()
    summary = page.get_by_role("alert")
    playwright_api.expect(summary).to_contain_text("Spring 1: the term ends before it starts")
    check(page, tmp_path, "terms-error")
    page.get_by_label("Last day of Spring 1").fill(dates[2][1])
    page.get_by_role("button", name="Save term dates").click()
    playwright_api.expect(page.get_by_role("status")).to_contain_text(f"{year} are saved")
    playwright_api.expect(page.get_by_role("table")).to_contain_text("Summer 2")
    check(page, tmp_path, "terms-saved")


def test_permissions_page_names_what_is_not_granted(page: Any, site: Site, tmp_path: Path) -> None:
    import sqlalchemy as sa

    from schoolsync.sandbox.permissions import permission_objects
    from schoolsync.store.tables import schools

    with site.engine.begin() as conn:  # the page is for a school fed by Wonde
        conn.execute(
            sa.update(schools).where(schools.c.key == site.key_a).values(source_kind="wonde")
        )
    asked = []

    def read(school: Any) -> list[dict[str, Any]]:
        asked.append(school.key)
        return permission_objects({"contacts.read", "classes.read"}, {})

    site.app.state.permissions = read
    log_in(page, site, HEAD_A, tmp_path)
    page.goto(f"{site.url}/schools/{site.key_a}/settings")
    page.get_by_role("link", name="Permissions").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Wonde permissions")
    missing = page.locator("#not-granted")
    playwright_api.expect(missing).to_contain_text("2 permissions are not granted")
    playwright_api.expect(missing).to_contain_text("classes.read): not granted: every sync fails")
    playwright_api.expect(missing).to_contain_text("contacts.read): not granted: left out")
    link = page.get_by_role("link", name="Open the Wonde portal's permissions")
    assert link.get_attribute("href") == "https://school.wonde.com/"
    assert asked == [site.key_a]
    check(page, tmp_path, "permissions")


def test_the_person_page_shows_the_pupils_photo(page: Any, site: Site, tmp_path: Path) -> None:
    give_photo(site, site.key_a, pupil_id(site, site.key_a, "P2"), png("Ayaan"))
    log_in(page, site, HEAD_A, tmp_path)
    page.goto(f"{site.url}/schools/{site.key_a}/people")
    page.get_by_role("link", name="Ayaan Abdullahi").click()
    photo = page.get_by_role("img", name="Photo of Ayaan Abdullahi")
    playwright_api.expect(photo).to_be_visible()
    # The image loaded from its route (the sandbox's photos are 8 pixels wide), not a broken icon.
    playwright_api.expect(photo).to_have_js_property("naturalWidth", 8)
    check(page, tmp_path, "person-photo")
