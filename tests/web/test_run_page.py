"""A run's page: every change by the names a person knows, issues with how to fix them, and
what the run held back with what approving it would remove."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from schoolsync.pipeline import sync_school
from schoolsync.store.holds import set_dependents
from schoolsync.store.schools import get_school
from tests.builders import pupil, school_class, snapshot, teacher
from tests.web.helpers import HEAD_A, NOW, SUPPORT, Site, browser_client, running_site


def text_of(page: str) -> str:
    """The page's words as a person reads them: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture
def site(engine: sa.Engine) -> Iterator[Site]:
    with running_site(engine) as running:
        yield running


def test_a_run_lists_its_changes_by_name_never_by_internal_id(site: Site) -> None:
    with browser_client(site, HEAD_A) as client:
        history = client.get(f"/schools/{site.key_a}").text
        assert f'href="/schools/{site.key_a}/runs/{site.run_a}"' in history
        page = html.unescape(client.get(f"/schools/{site.key_a}/runs/{site.run_a}").text)
    words = text_of(page)
    assert "Ayaan Abdullahi (MIS mis-P2) student Added" in words
    assert "surname Abdullahi" in words  # a field's value after the change
    assert "Larkfield 7A/Ma1 (MIS m1) class Added" in words
    for internal in ("person_id", "parent_id", "record_id"):
        assert internal not in page
    # The teacher with no email: the issue and what to do about it in the MIS.
    assert "Issues (1)" in page
    assert (
        "User is missing an email Ensure the user has an email associated with their account"
        in words
    )


def test_a_held_run_shows_what_approving_would_remove(site: Site) -> None:
    with site.engine.begin() as conn:
        school_id = get_school(conn, site.key_a).id
        set_dependents(conn, school_id, "m1", 12, "tasks", NOW)
    emptied = snapshot(
        pupil("P1"),
        pupil("P2", forename="Ayaan", surname="Abdullahi"),
        teacher("T1", email=None),
        school_class("K1", "Larkfield 7A/Ma1", students=[], mis_id="m1"),
    )
    later = NOW + dt.timedelta(hours=1)
    result = sync_school(site.engine, site.key_a, lambda *_: emptied, now=lambda: later)
    assert result.status == "needs_approval"
    with browser_client(site, SUPPORT) as client:
        page = html.unescape(client.get(f"/schools/{site.key_a}/runs/{result.run_id}").text)
    held = text_of(page).split("Changes held back for approval", 1)[1].split("What changed")[0]
    assert "Waiting for approval" in held
    assert "Approving removes: 2 pupils from the class, 12 tasks for those pupils." in held
    assert "Removed: Ayaan Abdullahi (MIS mis-P2) in Larkfield 7A/Ma1 (MIS m1) Removed" not in held
    assert "Removed: Ayaan Abdullahi (MIS mis-P2) in Larkfield 7A/Ma1 (MIS m1)." in held


def test_a_run_of_another_school_or_none_is_not_found(site: Site) -> None:
    with browser_client(site, HEAD_A) as client:
        assert client.get(f"/schools/{site.key_a}/runs/{site.run_b}").status_code == 404
        assert client.get(f"/schools/{site.key_a}/runs/99999").status_code == 404


def test_the_api_gives_a_run_as_its_page_does(engine: sa.Engine) -> None:
    with running_site(engine, api_token="bootstrap") as site:
        headers = {"Authorization": "Bearer bootstrap"}
        found = httpx.get(f"{site.url}/api/schools/{site.key_a}/runs/{site.run_a}",
                          headers=headers).json()  # fmt: skip
        missing = httpx.get(f"{site.url}/api/schools/{site.key_a}/runs/{site.run_b}",
                            headers=headers)  # fmt: skip
    assert found["status"] == "issues_exist" and found["change_count"] == 3
    assert {c["name"] for c in found["changes"]} >= {"Ayaan Abdullahi", "Larkfield 7A/Ma1"}
    [issue] = found["issues"]
    assert issue["message"] == "User is missing an email"
    assert issue["resolution"].startswith("Ensure the user has an email")
    assert missing.status_code == 404
