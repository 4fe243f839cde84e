"""The HTTP client every API source shares, against plain functions standing in for servers
(`httpx.MockTransport`): messages name the server, POST writes once, the transport is a seam."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from schoolsync.config import Settings
from schoolsync.errors import (
    SourceAuthError,
    SourceBusy,
    SourceDataError,
    SourceNotFound,
    SourceUnavailable,
)
from schoolsync.sources.base import no_progress
from schoolsync.sources.http import JsonHttp, client_for
from schoolsync.sources.registry import reader_for

Handler = Callable[[httpx.Request], httpx.Response]
SERVER = "https://mis.example.org"


def http(handler: Handler, **options: object) -> JsonHttp:
    client = client_for(headers={}, timeout_seconds=5, transport=httpx.MockTransport(handler))
    return JsonHttp(client, sleep=lambda _s: None, jitter=lambda: 0.0, **options)  # type: ignore[arg-type]


def answering(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A server that gives these answers in turn, and the requests it was sent."""
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        answer = responses[min(len(sent), len(responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handle, sent


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (401, SourceAuthError, "mis.example.org rejected the API token (HTTP 401)"),
        (403, SourceAuthError, "(HTTP 403 from mis.example.org). Ask the school to grant it"),
        (404, SourceNotFound, "mis.example.org does not know GET /v1/pupils (HTTP 404)"),
        (418, SourceDataError, "mis.example.org answered HTTP 418 to GET /v1/pupils"),
    ],
    ids=["401", "403", "404", "other"],
)
def test_a_final_answer_names_the_server_not_a_source(
    status: int, error: type[Exception], expected: str
) -> None:
    handler, sent = answering(httpx.Response(status, json={"error": "no"}))
    with pytest.raises(error) as caught:
        http(handler).get(f"{SERVER}/v1/pupils")
    assert expected in str(caught.value)
    assert "Wonde" not in str(caught.value)
    assert len(sent) == 1  # final at once


def test_a_busy_server_is_named_with_the_time_it_asked_for() -> None:
    handler, _sent = answering(httpx.Response(429, headers={"Retry-After": "7200"}))
    with pytest.raises(SourceBusy, match=r"^mis\.example\.org is busy \(HTTP 429 to GET /v1"):
        http(handler, clock=lambda: 0.0).get(f"{SERVER}/v1/pupils")


def test_an_unusual_port_is_part_of_the_server_s_name() -> None:
    handler, _sent = answering(httpx.Response(401))
    with pytest.raises(SourceAuthError, match=r"^mis\.example\.org:8443 rejected"):
        http(handler).get("https://mis.example.org:8443/v1/pupils")


def test_post_sends_json_and_reads_the_answer() -> None:
    handler, sent = answering(httpx.Response(201, json={"id": "c-1"}))
    answer = http(handler).post(f"{SERVER}/v1/contacts", {"forename": "Ada"}, {"dry": "no"})
    assert answer == {"id": "c-1"}
    (request,) = sent
    assert request.method == "POST"
    assert request.url.params["dry"] == "no"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"forename": "Ada"}


def test_post_with_an_empty_answer_gives_none() -> None:
    handler, _sent = answering(httpx.Response(204))
    assert http(handler).post(f"{SERVER}/v1/contacts", {"forename": "Ada"}) is None


@pytest.mark.parametrize(
    "failure",
    [httpx.Response(500), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("cut")],
    ids=["5xx", "timeout", "dropped"],
)
def test_a_write_that_may_have_happened_is_not_sent_twice(
    failure: httpx.Response | Exception,
) -> None:
    handler, sent = answering(failure, httpx.Response(201, json={}))
    with pytest.raises(SourceUnavailable, match=r"may or may not have been made") as caught:
        http(handler).post(f"{SERVER}/v1/contacts", {"forename": "Ada"})
    assert "mis.example.org" in str(caught.value)
    assert len(sent) == 1


@pytest.mark.parametrize(
    "refusal",
    [httpx.Response(429), httpx.ConnectError("refused")],
    ids=["429", "not-reached"],
)
def test_a_write_the_server_never_acted_on_is_tried_again(
    refusal: httpx.Response | Exception,
) -> None:
    handler, sent = answering(refusal, httpx.Response(201, json={"id": "c-1"}))
    assert http(handler).post(f"{SERVER}/v1/contacts", {"forename": "Ada"}) == {"id": "c-1"}
    assert len(sent) == 2


def test_an_idempotent_write_is_retried_like_a_read() -> None:
    handler, sent = answering(httpx.Response(503), httpx.Response(200, json={"ok": True}))
    answer = http(handler).post(f"{SERVER}/v1/contacts", {"key": "k-1"}, idempotent=True)
    assert answer == {"ok": True}
    assert len(sent) == 2


# --- the seam through the registry: a whole Wonde read with no server --------------------


@dataclass(frozen=True)
class Choices:
    import_staff: bool = True
    import_teachers: bool = True
    sync_contacts: bool = True


@dataclass(frozen=True)
class School:
    source_kind: str = "wonde"
    key: str = "larkfield"
    wonde_school_id: str | None = "A1930499544"
    api_base_url: str | None = "https://api.wonde.test/v1.0/"
    settings: Choices = field(default_factory=Choices)

    def token(self, secret_key: bytes) -> str | None:
        return "seam-token"


def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url="sqlite://",
        home=tmp_path,
        secret_key=Fernet.generate_key(),
        wonde_max_attempts=1,
    )


def test_a_wonde_school_reads_through_a_transport_passed_in(tmp_path: Path) -> None:
    paths: list[str] = []

    def wonde(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        assert request.headers["Authorization"] == "Bearer seam-token"
        if request.url.path.endswith("/A1930499544"):
            return httpx.Response(200, json={"data": {"id": "A1930499544", "name": "Larkfield"}})
        if request.url.path.endswith("/counts"):
            return httpx.Response(200, json={"data": {}})
        if request.url.path.endswith("/students"):
            pupil = {"id": "S1", "forename": "Ada", "surname": "Lovelace"}
            return httpx.Response(200, json={"data": [pupil]})
        return httpx.Response(200, json={"data": []})

    school = School()
    read = reader_for(school, settings(tmp_path), httpx.MockTransport(wonde))
    snapshot = read(school, None, no_progress)
    assert snapshot.source == "wonde"
    assert [(p.forename, p.surname) for p in snapshot.people] == [("Ada", "Lovelace")]
    assert "/v1.0/schools/A1930499544/students" in paths


def test_a_wonde_permission_missing_says_where_the_school_grants_it(tmp_path: Path) -> None:
    def wonde(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"error": "Missing permission: students.read"})

    school = School()
    read = reader_for(school, settings(tmp_path), httpx.MockTransport(wonde))
    with pytest.raises(SourceAuthError, match="approve it in the Wonde portal") as caught:
        read(school, None, no_progress)
    assert "api.wonde.test" in str(caught.value)
