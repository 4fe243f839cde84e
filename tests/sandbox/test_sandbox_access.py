"""The sandbox's access flow over real HTTP: request access, the state listings, the school's
answer with its webhook, and a simulated MIS switch that re-issues every id but keeps UPIs and
UPNs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from schoolsync.sandbox import SandboxSchool, generate_school

from .helpers import TOKEN, FakeClock, Served


class Hooks:
    """A real webhook receiver on loopback that remembers each body and how it came."""

    def __init__(self) -> None:
        self.url = ""
        self.received: list[tuple[str, dict[str, Any]]] = []


@pytest.fixture
def hooks(served: Served) -> Iterator[Hooks]:
    found = Hooks()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            kind = self.headers.get("Content-Type", "")
            body = json.loads(raw) if "json" in kind else dict(parse_qsl(raw.decode()))
            found.received.append((kind, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/wonde"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served.sandbox.webhook_url = found.url
    try:
        yield found
    finally:
        served.sandbox.webhook_url = None
        server.shutdown()
        server.server_close()


@pytest.fixture
def waiting(served: Served, clock: FakeClock) -> SandboxSchool:
    """A school that has not approved the test application yet."""
    school = generate_school(seed=11, pupils=40, school_id="A1600000011", now=clock)
    served.sandbox.add_school(school)
    return school


def _ids(api: httpx.Client, path: str) -> list[str]:
    response = api.get(path)
    assert response.status_code == 200, response.text
    return [school["id"] for school in response.json()["data"]]


def _decide(api: httpx.Client, served: Served, school_id: str, **body: Any) -> dict[str, Any]:
    response = api.post(f"{served.control_url}schools/{school_id}/access", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_request_access_makes_the_school_pending_and_approval_sends_the_token(
    api: httpx.Client, served: Served, waiting: SandboxSchool, hooks: Hooks
) -> None:
    assert api.get(f"schools/{waiting.id}").status_code == 403
    asked = api.post(
        f"schools/{waiting.id}/request-access",
        json={"contacts": [{"first_name": "Jo", "last_name": "Bloggs",
                            "email_address": "jo@school.org"}]},
    )  # fmt: skip
    assert asked.json() == {
        "success": True,
        "state": "pending",
        "message": "Access requested; the school will be asked to approve it.",
    }
    assert waiting.id in _ids(api, "schools/pending")
    assert waiting.id not in _ids(api, "schools")

    answer = _decide(api, served, waiting.id, decision="approve")
    assert answer["state"] == "approved" and answer["webhook_status"] == 200
    [(kind, payload)] = hooks.received
    assert "json" in kind
    assert payload["payload_type"] == "schoolApproved" and payload["school_id"] == waiting.id
    # The per-school token the webhook carries reads that school, and only that school.
    school_token = payload["school_token"]
    own = httpx.get(f"{served.base_url}schools/{waiting.id}",
                    headers={"Authorization": f"Bearer {school_token}"})  # fmt: skip
    assert own.status_code == 200
    assert waiting.id in _ids(api, "schools") and waiting.id in _ids(api, "schools/audited")
    assert waiting.id not in _ids(api, "schools/pending")
    # Asking again once approved says so, and changes nothing.
    again = api.post(f"schools/{waiting.id}/request-access").json()
    assert again["state"] == "approved"


def test_revoke_and_decline_send_their_webhooks_and_close_the_data(
    api: httpx.Client, served: Served, waiting: SandboxSchool, hooks: Hooks
) -> None:
    api.post(f"schools/{waiting.id}/request-access")
    _decide(api, served, waiting.id, decision="decline", reason="Not now", encoding="form")
    assert waiting.id in _ids(api, "schools/declined")
    kind, payload = hooks.received[-1]
    assert "x-www-form-urlencoded" in kind
    assert payload["payload_type"] == "accessDeclined" and payload["decline_reason"] == "Not now"

    api.post(f"schools/{waiting.id}/request-access")
    approved = _decide(api, served, waiting.id, decision="approve")
    school_token = hooks.received[-1][1]["school_token"]
    assert approved["state"] == "approved"
    _decide(api, served, waiting.id, decision="revoke")
    assert hooks.received[-1][1]["payload_type"] == "accessRevoked"
    assert waiting.id in _ids(api, "schools/revoked")
    assert api.get(f"schools/{waiting.id}/students").status_code == 403
    gone = httpx.get(f"{served.base_url}schools/{waiting.id}",
                     headers={"Authorization": f"Bearer {school_token}"})  # fmt: skip
    assert gone.status_code == 401


def test_an_offline_school_is_listed_as_offline(
    api: httpx.Client, served: Served, school: SandboxSchool
) -> None:
    served.sandbox.set_offline(school.id)
    try:
        assert school.id in _ids(api, "schools/offline")
    finally:
        served.sandbox.set_offline(school.id, False)
    assert school.id not in _ids(api, "schools/offline")


def test_all_schools_can_be_searched_by_identifier(
    api: httpx.Client, waiting: SandboxSchool
) -> None:
    urn = waiting.profile["urn"]
    found = api.get("schools/all", params={"urn": str(urn)}).json()["data"]
    assert [s["id"] for s in found] == [waiting.id]


def test_a_mis_switch_reissues_every_id_but_keeps_upis_and_upns(
    api: httpx.Client, served: Served, school: SandboxSchool, hooks: Hooks
) -> None:
    before = {s["upi"]: s for s in api.get(f"schools/{school.id}/students",
                                           params={"include": "education_details",
                                                   "per_page": 200}).json()["data"]}  # fmt: skip
    classes_before = {c["name"]: len(c["students"]["data"]) for c in api.get(
        f"schools/{school.id}/classes", params={"include": "students", "per_page": 200}
    ).json()["data"]}  # fmt: skip
    response = api.post(
        f"{served.control_url}schools/{school.id}/mis-switch", json={"to": "Arbor", "seed": 3}
    )
    assert response.status_code == 200, response.text
    assert hooks.received[-1][1]["payload_type"] == "schoolMigration"
    assert hooks.received[-1][1]["migrate_to"] == "Arbor"
    after = {s["upi"]: s for s in api.get(f"schools/{school.id}/students",
                                          params={"include": "education_details",
                                                  "per_page": 200}).json()["data"]}  # fmt: skip
    assert set(after) == set(before)
    for upi, pupil in after.items():
        assert pupil["id"] != before[upi]["id"]
        assert (pupil["education_details"]["data"]["upn"]
                == before[upi]["education_details"]["data"]["upn"])  # fmt: skip
    classes_after = {c["name"]: len(c["students"]["data"]) for c in api.get(
        f"schools/{school.id}/classes", params={"include": "students", "per_page": 200}
    ).json()["data"]}  # fmt: skip
    assert classes_after == classes_before
    assert api.get(f"schools/{school.id}").json()["data"]["mis"] == "Arbor"
    assert TOKEN  # the same application token still reads the school
