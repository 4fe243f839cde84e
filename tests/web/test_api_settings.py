"""The settings through the API: the same table and checks as the CLI and the web page."""

from __future__ import annotations

import httpx

from schoolsync.settings_table import SETTINGS
from tests.web.test_api import api, school  # noqa: F401  (fixtures)


def test_settings_are_listed_explained_and_changed_all_or_nothing(
    api: httpx.Client,  # noqa: F811
    school: str,  # noqa: F811
) -> None:
    path = f"/api/schools/{school}/settings"
    listed = api.get(path).json()["settings"]
    assert [s["name"] for s in listed] == [s.name for s in SETTINGS]
    assert all(s["explanation"] and s["cli_option"] for s in listed)
    changed = api.patch(path, json={"sync_contacts": False, "custom_sen_codes": {"mp": "k"}})
    assert changed.status_code == 200
    values = {s["name"]: s["value"] for s in changed.json()["settings"]}
    assert values["sync_contacts"] is False and values["custom_sen_codes"] == {"MP": "K"}
    refused = api.patch(path, json={"sync_photos": False, "pupil_leavers_pct": 150})
    assert refused.status_code == 422 and "pupil_leavers_pct" in refused.text
    assert api.patch(path, json={"sync_fotos": False}).status_code == 422
    after = {s["name"]: s["value"] for s in api.get(path).json()["settings"]}
    assert after["sync_photos"] is True  # nothing of the refused change was stored
