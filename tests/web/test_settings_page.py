"""A school's Settings page: every field checked as the CLI checks it, errors in a summary
that links to each field, nothing saved until all are right."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from schoolsync.school_settings import SchoolSettings
from schoolsync.services.schools import school_named
from schoolsync.web.settings_form import read_form
from tests.web.helpers import HEAD_A, SUPPORT, Site, browser_client, csrf_of, running_site

GOOD = {
    "alert_emails": "head@larkfield.example\ndata@larkfield.example",
    "safeguard_mode": "strict",
    "pupil_leavers_pct": "5",
    "staff_leavers_pct": "12.5",
    "email_changes_pct": "10%",
    "allowed_domains": "larkfield.example",
    "import_staff": "no",
}


def test_good_values_become_the_settings_the_cli_would_store() -> None:
    result = read_form(GOOD, ["teacher"], SchoolSettings(scope_subjects=("S1",)))
    assert result.errors == []
    assert result.settings == SchoolSettings(
        alert_emails=("head@larkfield.example", "data@larkfield.example"),
        safeguard_mode="strict",
        pupil_leavers_pct=5.0,
        staff_leavers_pct=12.5,
        email_changes_pct=10.0,
        allowed_domains=("larkfield.example",),
        require_email=frozenset({"teacher"}),
        import_staff=False,
        scope_subjects=("S1",),  # what the page does not show stays as it was
    )


def test_each_bad_field_has_its_own_error_in_page_order() -> None:
    bad = {
        **GOOD,
        "alert_emails": "head@larkfield",
        "pupil_leavers_pct": "150",
        "email_changes_pct": "lots",
        "allowed_domains": "not a domain",
        "safeguard_mode": "",
    }
    result = read_form(bad, ["pupil"], SchoolSettings())
    assert result.settings is None
    assert [e.field for e in result.errors] == [
        "alert_emails", "safeguard_mode", "pupil_leavers_pct", "email_changes_pct",
        "allowed_domains", "require_email",
    ]  # fmt: skip
    messages = {e.field: e.message for e in result.errors}
    assert "'head@larkfield' is not an email address" in messages["alert_emails"]
    assert messages["pupil_leavers_pct"] == (
        "Pupils leaving in one sync must be a percentage from 0 to 100, like 10"
    )
    assert messages["email_changes_pct"].startswith("Enter a number")


@pytest.fixture
def site(engine: sa.Engine) -> Iterator[Site]:
    with running_site(engine) as running:
        yield running


def stored(site: Site) -> SchoolSettings:
    return school_named(site.engine, site.key_a).settings


def test_one_bad_field_is_summarised_linked_and_nothing_is_saved(site: Site) -> None:
    before = stored(site)
    with browser_client(site, HEAD_A) as client:
        form = client.get(f"/schools/{site.key_a}/settings")
        assert form.status_code == 200 and "Save settings" in form.text
        data = {**GOOD, "staff_leavers_pct": "101", "csrf_token": csrf_of(form.text)}
        refused = client.post(
            f"/schools/{site.key_a}/settings", data={**data, "require_email": ["teacher", "staff"]}
        )
        assert refused.status_code == 400
        page = html.unescape(refused.text)
        summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
        assert summary.count("<li>") == 1
        assert '<a href="#staff_leavers_pct">Staff leaving in one sync must be' in summary
        assert 'value="101"' in page  # what was typed is shown again
        assert stored(site) == before
        data["staff_leavers_pct"] = "20"
        saved = client.post(
            f"/schools/{site.key_a}/settings", data={**data, "require_email": ["teacher", "staff"]}
        )
        assert saved.status_code == 200 and "Your settings are saved" in saved.text
    after = stored(site)
    assert after.staff_leavers_pct == 20.0 and after.safeguard_mode == "strict"
    assert after.require_email == frozenset({"teacher", "staff"}) and not after.import_staff


def test_vendor_support_sees_the_settings_but_cannot_change_them(site: Site) -> None:
    with browser_client(site, SUPPORT) as client:
        form = client.get(f"/schools/{site.key_a}/settings")
        assert form.status_code == 200 and "Save settings" not in form.text
        refused = client.post(
            f"/schools/{site.key_a}/settings", data={**GOOD, "csrf_token": csrf_of(form.text)}
        )
    assert refused.status_code == 403
    assert stored(site).safeguard_mode == "partial"
