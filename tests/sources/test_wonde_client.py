"""The Wonde client against the sandbox over real HTTP: paging, includes, auth, retries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from schoolsync.errors import (
    RetryLater,
    SourceAuthError,
    SourceBusy,
    SourceDataError,
    SourceNotFound,
    SourceUnavailable,
)
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, running_sandbox
from schoolsync.sources.http import JsonHttp
from schoolsync.sources.wonde.client import WondeClient, base_url_for, make_http_client
from schoolsync.sources.wonde.reader import fetch_raw, fetch_snapshot
from tests.sources.test_wonde_records import load

TOKEN = "client-token"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox.demo(seed=7, pupils=450, token=TOKEN)
    with running_sandbox(sandbox) as base_url:
        yield sandbox, base_url


@pytest.fixture
def sandbox(served: tuple[Sandbox, str]) -> Iterator[Sandbox]:
    box = served[0]
    yield box
    box.faults.clear()
    box.denied.clear()


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client_for(
    base_url: str,
    token: str = TOKEN,
    sleeps: Sleeps | None = None,
    attempts: int = 4,
    timeout: float = 5.0,
) -> WondeClient:
    http = JsonHttp(
        make_http_client(token, timeout),
        max_attempts=attempts,
        sleep=sleeps or Sleeps(),
        jitter=lambda: 0.0,
    )
    return WondeClient(http, base_url, DEMO_SCHOOL_ID)


def test_paging_follows_next_and_sees_every_record_once(served, sandbox) -> None:
    _, base_url = served
    client = client_for(base_url)
    pages = list(client.pages("students", {"include": "contacts"}))
    ids = [record["id"] for page in pages for record in page]
    school = sandbox.schools[DEMO_SCHOOL_ID]
    assert len(pages) > 1
    assert sorted(ids) == sorted(school.students)
    # the include survived onto later pages, because `next` carries every parameter
    assert all("contacts" in record for record in pages[-1])


def test_full_snapshot_of_a_school(served, sandbox) -> None:
    _, base_url = served
    snap = fetch_snapshot(client_for(base_url))
    school = sandbox.schools[DEMO_SCHOOL_ID]
    roles = [p.role for p in snap.people]
    assert roles.count("student") == len(school.students)
    assert roles.count("teacher") + roles.count("staff") == len(school.employees)
    assert len(snap.classes) == len(school.classes)
    assert sum(len(c.student_ids) for c in snap.classes) == sum(
        len(ids) for ids in school.class_students.values()
    )
    assert snap.contact_links
    assert snap.school is not None and snap.school.name == school.name
    names = " ".join(p.surname for p in snap.people)
    assert "'" in names or "-" in names


def test_missing_pagination_meta_is_one_page(served, sandbox) -> None:
    _, base_url = served
    sandbox.pagination_when_small = False
    try:
        subjects = list(client_for(base_url).pages("subjects", {}))
    finally:
        sandbox.pagination_when_small = True
    assert len(subjects) == 1 and subjects[0]


def test_regional_base_url_comes_from_the_school() -> None:
    school = load("tests/Fixtures/v1.0/schools/A1930499544/get-response.json")["data"]
    assert base_url_for(school) == "https://api.wonde.com/v1.0/"
    assert base_url_for({"region": {"domain": "api-ap-southeast-2.wonde.com"}}) == (
        "https://api-ap-southeast-2.wonde.com/v1.0/"
    )


def test_basic_auth_is_accepted_too(served) -> None:
    _, base_url = served
    with httpx.Client(auth=(TOKEN, "")) as raw:
        http = JsonHttp(raw, max_attempts=1)
        assert WondeClient(http, base_url, DEMO_SCHOOL_ID).school()["id"] == DEMO_SCHOOL_ID


def test_wrong_token_is_a_final_401(served) -> None:
    _, base_url = served
    sleeps = Sleeps()
    with pytest.raises(SourceAuthError, match="401"):
        client_for(base_url, token="wrong", sleeps=sleeps).school()
    assert sleeps.calls == []  # not retried


def test_missing_permission_is_named(served, sandbox) -> None:
    _, base_url = served
    sandbox.deny(DEMO_SCHOOL_ID, "classes.read")  # required: without classes there is no sync
    with pytest.raises(SourceAuthError, match=r"'classes\.read' permission") as caught:
        fetch_raw(client_for(base_url))
    assert caught.value.permission == "classes.read"


@pytest.mark.parametrize(
    ("permission", "family", "field"),
    [
        ("contacts.read", "contact", None),
        ("contact_details.read", None, "email"),
        ("extended_details.read", None, "sen_status"),
        ("attendance.read", None, "attendance"),
    ],
)
def test_an_optional_permission_withheld_is_a_warning_and_the_rest_is_read(
    served, sandbox, permission: str, family: str | None, field: str | None
) -> None:
    _, base_url = served
    sandbox.deny(DEMO_SCHOOL_ID, permission)
    snap = fetch_snapshot(client_for(base_url))
    school = sandbox.schools[DEMO_SCHOOL_ID]
    assert [p.role for p in snap.people].count("student") == len(school.students)
    assert len(snap.classes) == len(school.classes)
    [warning] = [i for i in snap.read_issues if permission in i.message]
    assert warning.severity == "warning"
    if family is not None:
        # stored contacts are left alone, not marked as leavers
        assert family not in snap.covers and "contact_link" not in snap.covers
        assert not any(p.role == "contact" for p in snap.people)
    if field is not None:
        # stored values are kept, not blanked
        assert snap.person_fields is not None and field not in snap.person_fields
        assert "forename" in snap.person_fields


def test_unknown_school_is_404(served) -> None:
    _, base_url = served
    http = JsonHttp(make_http_client(TOKEN, 5), max_attempts=1)
    with pytest.raises(SourceNotFound, match="404"):
        WondeClient(http, base_url, "A0000000000").school()


def test_429_is_retried_after_the_time_wonde_asks(served, sandbox) -> None:
    _, base_url = served
    sandbox.faults.rate_limit(count=2, retry_after=3, path="subjects")
    sleeps = Sleeps()
    subjects = client_for(base_url, sleeps=sleeps).all("subjects", {}, lambda *a: None, None)
    assert subjects
    assert sleeps.calls == [3.0, 3.0]


def test_5xx_is_retried_with_backoff(served, sandbox) -> None:
    _, base_url = served
    sandbox.faults.server_error(status=503, count=2, path="subjects")
    sleeps = Sleeps()
    assert client_for(base_url, sleeps=sleeps).all("subjects", {}, lambda *a: None, None)
    assert sleeps.calls == [0.5, 1.0]


def test_a_page_that_keeps_failing_gives_up_clearly(served, sandbox) -> None:
    _, base_url = served
    sandbox.faults.server_error(status=500, count=10, path="subjects")
    with pytest.raises(SourceUnavailable, match=r"subjects.*after 3 attempts: HTTP 500"):
        client_for(base_url, attempts=3).all("subjects", {}, lambda *a: None, None)


def test_malformed_json_once_is_retried_but_always_is_a_data_error(served, sandbox) -> None:
    _, base_url = served
    sandbox.faults.malformed(count=1, path="subjects")
    assert client_for(base_url).all("subjects", {}, lambda *a: None, None)
    sandbox.faults.malformed(count=10, path="subjects")
    with pytest.raises(SourceDataError, match="not valid JSON"):
        client_for(base_url, attempts=2).all("subjects", {}, lambda *a: None, None)


def test_slow_page_times_out_and_is_retried(served, sandbox) -> None:
    _, base_url = served
    sandbox.faults.slow(ms=1500, count=1, path="subjects")
    sleeps = Sleeps()
    subjects = client_for(base_url, sleeps=sleeps, timeout=0.5).all(
        "subjects", {}, lambda *a: None, None
    )
    assert subjects
    assert len(sleeps.calls) == 1


def test_an_unreachable_server_is_named(tmp_path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    http = JsonHttp(
        httpx.Client(base_url=f"http://127.0.0.1:{port}/v1.0/"),
        max_attempts=2,
        sleep=lambda _: None,
    )
    with pytest.raises(SourceUnavailable) as caught:
        http.get("schools/A1/students")
    message = str(caught.value)
    assert f"could not connect to http://127.0.0.1:{port}" in message
    assert "refused" in message.lower()


# --- a Retry-After longer than a run waits (issue 7g) ------------------------------------------


def test_a_retry_after_longer_than_the_cap_ends_the_read_without_retrying_early(
    served, sandbox
) -> None:
    _, base_url = served
    fault = sandbox.faults.rate_limit(count=5, retry_after=3600, path="subjects")
    sleeps = Sleeps()
    frozen = 1_800_000_000.0  # 2027-01-15 08:00:00 UTC
    http = JsonHttp(
        make_http_client(TOKEN, 5.0),
        max_attempts=4,
        max_backoff_seconds=60.0,
        sleep=sleeps,
        jitter=lambda: 0.0,
        clock=lambda: frozen,
    )
    client = WondeClient(http, base_url, DEMO_SCHOOL_ID)
    with pytest.raises(SourceBusy, match="retry at 2027-01-15 09:00:00 UTC") as caught:
        client.all("subjects", {}, lambda *a: None, None)
    assert isinstance(caught.value, RetryLater)
    assert caught.value.retry_at == dt.datetime(2027, 1, 15, 9, 0, tzinfo=dt.UTC)
    assert sleeps.calls == []  # no shortened wait, no second request
    assert fault.count == 4  # exactly one of the five 429s was used


def test_a_retry_after_within_the_cap_is_still_waited_and_retried(served, sandbox) -> None:
    _, base_url = served
    sandbox.faults.rate_limit(count=1, retry_after=60, path="subjects")
    sleeps = Sleeps()
    assert client_for(base_url, sleeps=sleeps).all("subjects", {}, lambda *a: None, None)
    assert sleeps.calls == [60.0]
