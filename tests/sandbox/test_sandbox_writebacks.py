"""Attendance write-back at the sandbox, as a client meets it over HTTP: codes, 422 field
errors, pending then completed, idempotency keys, the marks the MIS received."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from schoolsync.sandbox import SandboxSchool
from schoolsync.sandbox.attendance_codes import code_id

from .helpers import OTHER_TOKEN, TOKEN, Served


@pytest.fixture
def control(served: Served) -> Iterator[httpx.Client]:
    ledger = served.sandbox.writebacks
    saved = (ledger.completes_after, ledger.fail_next)
    with httpx.Client(
        base_url=served.control_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    ) as client:
        yield client
    ledger.completes_after, ledger.fail_next = saved


def mark(school: SandboxSchool, **changes: Any) -> dict[str, Any]:
    record = {
        "date": "2025-03-12",
        "session": "AM",
        "student_id": next(iter(school.students)),
        "attendance_code_id": code_id("L"),
        "comment": "Late arrival 09:12: dentist",
        "minutes_late": 12,
    }
    record.update(changes)
    return {key: value for key, value in record.items() if value is not None}


def wait_for(api: httpx.Client, writeback_id: str, state: str) -> dict[str, Any]:
    for _ in range(200):
        found: dict[str, Any] = api.get(f"writebacks/{writeback_id}").json()["data"]
        if found["status"] == state:
            return found
        time.sleep(0.02)
    raise AssertionError(f"write-back {writeback_id} never became {state}")


def test_the_school_serves_its_attendance_codes(api: httpx.Client, school: SandboxSchool) -> None:
    codes = api.get(f"schools/{school.id}/attendance-codes").json()["data"]
    by_letter = {c["code"]: c for c in codes}
    assert {"L", "U", "M", "/", "\\"} <= set(by_letter)
    assert by_letter["L"]["id"] == code_id("L")
    assert api.get("attendance-codes").json()["data"] == codes


def test_an_accepted_mark_goes_pending_then_completed_and_reaches_the_register(
    api: httpx.Client, control: httpx.Client, school: SandboxSchool
) -> None:
    control.post(f"schools/{school.id}/writebacks", json={"completes_after": 0.2})
    url = f"schools/{school.id}/attendance/session"
    answer = api.post(url, json={"attendance": [mark(school)]})
    assert answer.status_code == 200
    writeback_id = answer.json()["writeback_id"]
    assert api.get(f"writebacks/{writeback_id}").json()["data"]["status"] == "pending"
    assert api.get(f"schools/{school.id}/attendance/session").json()["data"] == []
    wait_for(api, writeback_id, "completed")
    register = api.get(f"schools/{school.id}/attendance/session").json()["data"]
    assert [(m["minutes_late"], m["comment"]) for m in register] == [
        (12, "Late arrival 09:12: dentist")
    ]


def test_every_bad_field_is_a_422_naming_it_and_nothing_is_stored(
    api: httpx.Client, control: httpx.Client, school: SandboxSchool
) -> None:
    good = mark(school)
    bad = mark(
        school, date="12/03/2025", session="am", student_id="A1", attendance_code_id="L",
        minutes_late="ten",
    )  # fmt: skip
    answer = api.post(f"schools/{school.id}/attendance/session", json={"attendance": [good, bad]})
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert set(errors) == {
        "attendance.1.date", "attendance.1.session", "attendance.1.student_id",
        "attendance.1.attendance_code_id", "attendance.1.minutes_late",
    }  # fmt: skip
    missing = api.post(f"schools/{school.id}/attendance/session", json={"attendance": [{}]})
    assert set(missing.json()["errors"]) == {
        "attendance.0.date", "attendance.0.session", "attendance.0.student_id",
        "attendance.0.attendance_code_id",
    }  # fmt: skip
    assert control.get(f"schools/{school.id}/writebacks").json()["data"] == []


def test_the_same_idempotency_key_is_taken_once(
    api: httpx.Client, control: httpx.Client, school: SandboxSchool
) -> None:
    before = control.get(f"schools/{school.id}/writebacks").json()["replays"]
    url = f"schools/{school.id}/attendance/session"
    body = {"attendance": [mark(school)]}
    first = api.post(url, json=body, headers={"Idempotency-Key": "k-1"}).json()
    again = api.post(url, json=body, headers={"Idempotency-Key": "k-1"}).json()
    assert again == {"writeback_id": first["writeback_id"], "replayed": True}
    seen = control.get(f"schools/{school.id}/writebacks").json()
    assert len(seen["data"]) == 1
    assert seen["replays"] == before + 1


def test_a_school_whose_mis_refuses_write_back_says_so(
    api: httpx.Client, control: httpx.Client, school: SandboxSchool
) -> None:
    control.post(f"schools/{school.id}/writebacks", json={"allows_writeback": False})
    url = f"schools/{school.id}/attendance/session"
    answer = api.post(url, json={"attendance": [mark(school)]})
    assert answer.status_code == 403
    assert answer.json()["error"] == "writeback_not_allowed"
    school_object = api.get(f"schools/{school.id}").json()["data"]
    assert school_object["extended"]["allows_writeback"] is False


def test_an_offline_school_and_other_apps_get_no_write_back(
    served: Served, api: httpx.Client, control: httpx.Client, school: SandboxSchool
) -> None:
    served.sandbox.set_offline(school.id)
    url = f"schools/{school.id}/attendance/session"
    assert api.post(url, json={"attendance": [mark(school)]}).status_code == 503
    served.sandbox.set_offline(school.id, False)
    writeback_id = api.post(url, json={"attendance": [mark(school)]}).json()["writeback_id"]
    other = httpx.get(
        f"{served.base_url}writebacks/{writeback_id}",
        headers={"Authorization": f"Bearer {OTHER_TOKEN}"},
    )
    assert other.status_code == 404


def test_a_failing_mis_ends_the_write_back_failed(
    api: httpx.Client, control: httpx.Client, school: SandboxSchool
) -> None:
    control.post(f"schools/{school.id}/writebacks", json={"fail_next": 1, "completes_after": 0})
    url = f"schools/{school.id}/attendance/session"
    writeback_id = api.post(url, json={"attendance": [mark(school)]}).json()["writeback_id"]
    assert wait_for(api, writeback_id, "failed")["error"]


def test_a_slow_answer_is_written_before_it_is_acknowledged(
    served: Served, api: httpx.Client, control: httpx.Client, school: SandboxSchool
) -> None:
    served.sandbox.faults.slow_answer(ms=2000, path="attendance/session")
    with pytest.raises(httpx.ReadTimeout):
        api.post(
            f"schools/{school.id}/attendance/session",
            json={"attendance": [mark(school)]},
            timeout=0.3,
        )
    assert len(control.get(f"schools/{school.id}/writebacks").json()["data"]) == 1
