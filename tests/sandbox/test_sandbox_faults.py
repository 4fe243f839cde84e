"""Injected faults, as a client meets them."""

from __future__ import annotations

import time

import httpx
import orjson
import pytest

from schoolsync.sandbox import Fault

from .helpers import BIG_SCHOOL_ID, TOKEN, Served

BIG = f"schools/{BIG_SCHOOL_ID}"


def test_429_carries_retry_after_and_is_used_up(served: Served, api: httpx.Client) -> None:
    served.sandbox.faults.rate_limit(count=2, retry_after=7)
    for _ in range(2):
        response = api.get(f"{BIG}/students")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "7"
        assert response.json()["error"] == "too_many_requests"
    assert api.get(f"{BIG}/students").status_code == 200


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_fire_count_times(served: Served, api: httpx.Client, status: int) -> None:
    served.sandbox.faults.server_error(status, count=3)
    assert [api.get(f"{BIG}/subjects").status_code for _ in range(4)] == [status] * 3 + [200]


def test_a_path_pattern_limits_which_requests_fail(served: Served, api: httpx.Client) -> None:
    served.sandbox.faults.server_error(500, count=1, path=r"/classes")
    assert api.get(f"{BIG}/students").status_code == 200
    assert api.get(f"{BIG}/classes").status_code == 500
    assert api.get(f"{BIG}/classes").status_code == 200


def test_slow_responses_wait_then_answer(served: Served, api: httpx.Client) -> None:
    served.sandbox.faults.slow(ms=300, count=1)
    started = time.perf_counter()
    assert api.get(f"{BIG}/subjects").status_code == 200
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    api.get(f"{BIG}/subjects")
    assert time.perf_counter() - started < 0.3


def test_malformed_body_is_200_but_not_json(served: Served, api: httpx.Client) -> None:
    served.sandbox.faults.malformed(count=1, path="subjects")
    response = api.get(f"{BIG}/subjects")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(response.content)
    assert api.get(f"{BIG}/subjects").json()["data"]


def test_an_offline_school_is_503_until_back(served: Served, api: httpx.Client) -> None:
    served.sandbox.set_offline(BIG_SCHOOL_ID)
    response = api.get(f"{BIG}/students")
    assert response.status_code == 503 and response.json()["error"] == "school_offline"
    assert api.get(f"meta/{BIG}").json()["data"]["online"] is False
    assert api.get(BIG).status_code == 200
    served.sandbox.set_offline(BIG_SCHOOL_ID, False)
    assert api.get(f"{BIG}/students").status_code == 200


def test_faults_can_be_queued_and_cleared_over_http(served: Served, api: httpx.Client) -> None:
    control = httpx.Client(
        base_url=served.control_url, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    queued = control.post(
        "faults", json={"kind": "429", "count": 2, "retry_after": 1, "path": "students"}
    )
    assert queued.status_code == 200 and queued.json()["queued"]["kind"] == "429"
    assert control.post("faults", json={"kind": "malformed", "path": "classes"}).status_code == 200
    malformed = api.get(f"{BIG}/classes")
    assert malformed.status_code == 200
    with pytest.raises(ValueError):
        malformed.json()
    assert api.get(f"{BIG}/students").status_code == 429
    assert len(control.get("faults").json()["pending"]) == 1
    assert control.delete("faults").json()["pending"] == []
    assert api.get(f"{BIG}/students").status_code == 200
    offline = control.post(f"schools/{BIG_SCHOOL_ID}/offline", json={"offline": True})
    assert offline.json() == {"id": BIG_SCHOOL_ID, "offline": True}
    assert api.get(f"{BIG}/students").status_code == 503
    control.post(f"schools/{BIG_SCHOOL_ID}/offline", json={"offline": False})
    assert api.get(f"{BIG}/students").status_code == 200
    control.post("faults", json={"kind": "offline", "school_id": BIG_SCHOOL_ID})
    assert api.get(f"{BIG}/students").status_code == 503
    control.post("faults", json={"kind": "online", "school_id": BIG_SCHOOL_ID})
    assert api.get(f"{BIG}/students").status_code == 200


def test_bad_fault_requests_are_422_and_control_needs_a_token(served: Served) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    bad = httpx.post(served.control_url + "faults", json={"kind": "418"}, headers=headers)
    assert bad.status_code == 422 and "429" in bad.json()["error_description"]
    assert httpx.post(served.control_url + "faults", json={"kind": "500"}).status_code == 401
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("teapot")
