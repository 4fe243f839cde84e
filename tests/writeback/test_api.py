"""The attendance routes of the REST API, against a school synced from the sandbox: sign a
pupil in, read the log, and the refusals a script must be able to tell apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from schoolsync.serving import serving_in_thread
from schoolsync.store import accounts
from schoolsync.web.app import create_web_app

from .helpers import Scene

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def api(scene: Scene) -> Iterator[dict[str, Any]]:
    tokens = {}
    with scene.engine.begin() as conn:
        for email, role, key in (
            ("office@school.example", "school-admin", scene.key),
            ("sam@vendor.example", "vendor-support", None),
        ):
            user = accounts.add_user(
                conn, email=email, role=role, password="correct horse battery", now=NOW,
                school_key=key,
            )  # fmt: skip
            tokens[role] = accounts.create_api_token(conn, user.id, "script", NOW)
    app = create_web_app(scene.engine, lambda: None, settings=scene.settings, clock=scene.clock)  # type: ignore[arg-type, return-value]
    with serving_in_thread(app, name="web app") as port:
        yield {"url": f"http://127.0.0.1:{port}", "tokens": tokens}


def client(api: dict[str, Any], role: str) -> httpx.Client:
    return httpx.Client(
        base_url=api["url"], headers={"Authorization": f"Bearer {api['tokens'][role]}"}
    )


def test_sign_a_pupil_in_and_read_the_log(scene: Scene, api: dict[str, Any]) -> None:
    [pupil] = scene.pupils(1)
    with client(api, "school-admin") as office:
        setup = office.get(f"/api/schools/{scene.key}/attendance").json()
        assert {"L", "U", "M"} <= {c["code"] for c in setup["codes"]}
        answer = office.post(
            f"/api/schools/{scene.key}/signins",
            json={"pupil": pupil, "direction": "late", "reason": "L", "at": "09:02"},
        )
        assert answer.status_code == 200, answer.text
        mark = answer.json()
        assert (mark["session"], mark["minutes_late"], mark["code"], mark["status"]) == (
            "AM", 22, "L", "queued",
        )  # fmt: skip
        scene.send_until(scene.all("confirmed"))
        [logged] = office.get(f"/api/schools/{scene.key}/writebacks").json()
        assert (logged["id"], logged["status"], logged["recorded_by"]) == (
            mark["mark_id"], "confirmed", "office@school.example",
        )  # fmt: skip
        assert (
            office.get(f"/api/schools/{scene.key}/writebacks", params={"status": "failed"}).json()
            == []
        )


def test_refusals_are_422s_saying_why_and_support_may_only_read(
    scene: Scene, api: dict[str, Any]
) -> None:
    [pupil] = scene.pupils(1)
    url = f"/api/schools/{scene.key}/signins"
    with client(api, "school-admin") as office:
        unknown = office.post(url, json={"pupil": pupil, "direction": "late", "reason": "Q"})
        assert unknown.status_code == 422
        assert "'Q' is not one of this school's reasons" in unknown.json()["detail"]
        typo = office.post(url, json={"pupil": pupil, "direction": "late", "reasn": "L"})
        assert typo.status_code == 422
        both = office.post(
            url, json={"pupil": pupil, "person_id": 1, "direction": "late", "reason": "L"}
        )
        assert both.status_code == 422
    with client(api, "vendor-support") as support:
        assert support.get(f"/api/schools/{scene.key}/writebacks").status_code == 200
        refused = support.post(url, json={"pupil": pupil, "direction": "late", "reason": "L"})
        assert refused.status_code == 403
    assert scene.marks() == []
