"""People, Classes and Settings through the API: what the pages show, the same roles (support
reads but cannot change settings) and a school admin's own school only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from schoolsync.pipeline import sync_school
from schoolsync.services.schools import school_named
from schoolsync.store import accounts
from tests.builders import pupil, school_class, snapshot, teacher
from tests.web.helpers import HEAD_A, NOW, SUPPORT, VENDOR, Site, running_site


@pytest.fixture
def site(engine: sa.Engine) -> Iterator[Site]:
    with running_site(engine) as running:
        yield running


def api_as(site: Site, email: str) -> httpx.Client:
    with site.engine.begin() as conn:
        user = next(u for u in accounts.list_users(conn) if u.email == email)
        token = accounts.create_api_token(conn, user.id, "script", NOW)
    return httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {token}"})


def test_people_search_and_one_person_with_their_class_moves(site: Site) -> None:
    moved = snapshot(
        pupil("P1"),
        pupil("P2", forename="Ayaan", surname="Abdullahi"),
        teacher("T1", email=None),
        school_class("K1", "Larkfield 7A/Ma1", students=["P1"], mis_id="m1"),
        school_class("K2", "Larkfield 7A/Ma2", students=["P2"], mis_id="m2"),
    )
    sync_school(site.engine, site.key_a, lambda *_: moved, now=lambda: NOW + dt.timedelta(hours=1))
    with api_as(site, HEAD_A) as api:
        pupils = api.get(f"/api/schools/{site.key_a}/people", params={"role": "student"}).json()
        assert sorted(p["name"] for p in pupils["people"]) == ["Amara Okafor", "Ayaan Abdullahi"]
        assert {p["role_label"] for p in pupils["people"]} == {"Pupil"}
        assert pupils["next"] is None
        [ayaan] = api.get(f"/api/schools/{site.key_a}/people", params={"q": "ayaan"}).json()[
            "people"
        ]
        found = api.get(f"/api/schools/{site.key_a}/people/{ayaan['id']}").json()
        assert found["ids"]["MIS id"] == "mis-P2"
        assert [c["name"] for c in found["classes"]] == ["Larkfield 7A/Ma2"]
        moves = [h["what"] for h in found["history"]]
        assert "Removed from Larkfield 7A/Ma1 (MIS m1)" in moves
        assert "Added to Larkfield 7A/Ma2 (MIS m2)" in moves
        assert api.get(f"/api/schools/{site.key_a}/people/999999").status_code == 404
        assert api.get(f"/api/schools/{site.key_a}/people/0").status_code == 422


def test_classes_and_one_class_with_its_members(site: Site) -> None:
    with api_as(site, SUPPORT) as api:
        listed = api.get(f"/api/schools/{site.key_a}/classes").json()["classes"]
        assert [(c["name"], c["pupils"]) for c in listed] == [("Larkfield 7A/Ma1", 2)]
        one = api.get(f"/api/schools/{site.key_a}/classes/{listed[0]['id']}").json()
        assert one["mis_id"] == "m1"
        assert sorted(p["name"] for p in one["pupils"]) == ["Amara Okafor", "Ayaan Abdullahi"]
        assert api.get(f"/api/schools/{site.key_a}/classes", params={"q": "zz"}).json() == {
            "classes": [],
            "next": None,
        }


def test_a_school_admin_sees_only_their_school(site: Site) -> None:
    with api_as(site, HEAD_A) as api:
        assert api.get(f"/api/schools/{site.key_a}/people").status_code == 200
        for path in ("people", "classes", "settings", "manual/choices"):
            refused = api.get(f"/api/schools/{site.key_b}/{path}")
            assert refused.status_code == 404, path
            assert "Brookside" not in refused.text


def test_the_api_takes_every_setting_the_cli_does() -> None:
    from schoolsync.services.schools import SETTING_NAMES
    from schoolsync.web.api_people import SettingsBody

    assert set(SettingsBody.model_fields) == set(SETTING_NAMES)


def test_settings_read_by_support_changed_only_by_admins_with_the_clis_checks(
    site: Site,
) -> None:
    url = f"/api/schools/{site.key_a}/settings"
    with api_as(site, SUPPORT) as support, api_as(site, HEAD_A) as head:
        read = support.get(url)
        assert read.status_code == 200 and read.json()["safeguard_mode"] == "partial"
        refused = support.patch(url, json={"safeguard_mode": "strict"})
        assert refused.status_code == 403
        # The CLI's own rule and words: a percentage outside 0-100 changes nothing at all.
        bad = head.patch(url, json={"safeguard_mode": "strict", "pupil_leavers_pct": 150})
        assert bad.status_code == 422
        assert "pupil_leavers_pct must be a percentage from 0 to 100" in bad.text
        assert head.patch(url, json={"safeguard_mod": "strict"}).status_code == 422
        assert head.patch(url, json={"alert_emails": ["not an email"]}).status_code == 422
        hours = head.patch(url, json={"daytime_every_hours": 13})
        assert hours.status_code == 422 and "daytime_every_hours must be" in hours.text
        assert head.patch(url, json={"timezone": "Mars/Olympus"}).status_code == 422
        assert school_named(site.engine, site.key_a).settings.safeguard_mode == "partial"
        changed = head.patch(url, json={"safeguard_mode": "strict", "alert_emails": ["a@b.org"]})
        assert changed.status_code == 200
        assert changed.json()["alert_emails"] == ["a@b.org"]
    with api_as(site, VENDOR) as vendor:
        assert vendor.get(url).json()["safeguard_mode"] == "strict"
    stored = school_named(site.engine, site.key_a).settings
    assert stored.safeguard_mode == "strict" and stored.pupil_leavers_pct != 150
