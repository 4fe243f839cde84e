"""The school's token goes only to the school's API origin; a looping `next` ends (issue 7c).

Both servers are real listeners on loopback, so what the second one received is what a foreign
host would have received.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from schoolsync.errors import SourceDataError
from schoolsync.sources.http import JsonHttp
from schoolsync.sources.wonde.client import WondeClient, make_http_client
from tests.sources.listeners import listening

TOKEN = "school-token-never-elsewhere"
SCHOOL = "A1234567890"


def page(next_url: str | None) -> dict[str, Any]:
    return {
        "data": [{"id": "S1"}],
        "meta": {"pagination": {"more": next_url is not None, "next": next_url}},
    }


def page_number(path: str) -> str:
    return parse_qs(urlsplit(path).query).get("page", ["1"])[0]


def client(base_url: str) -> WondeClient:
    http = JsonHttp(make_http_client(TOKEN, 5.0), max_attempts=1)
    return WondeClient(http, f"{base_url}/v1.0/", SCHOOL)


@pytest.mark.parametrize("other_host", ["127.0.0.1", "localhost"])
def test_a_next_link_to_another_origin_is_refused_and_gets_no_token(other_host: str) -> None:
    with listening(lambda _base, _path: page(None)) as foreign:
        port = foreign.base_url.rsplit(":", 1)[1]
        elsewhere = f"http://{other_host}:{port}/v1.0/schools/{SCHOOL}/students?page=2"
        with (
            listening(lambda _base, _path: page(elsewhere)) as school,
            pytest.raises(SourceDataError, match="another server") as caught,
        ):
            list(client(school.base_url).pages("students", {}))
    assert foreign.received == []  # not even a request without the header
    assert [r.authorization for r in school.received] == [f"Bearer {TOKEN}"]
    assert TOKEN not in str(caught.value)
    assert "students" in str(caught.value)


def test_a_next_link_on_the_same_origin_is_followed_with_the_token() -> None:
    def answer(base: str, path: str) -> dict[str, Any]:
        if page_number(path) == "2":
            return page(None)
        return page(f"{base}/v1.0/schools/{SCHOOL}/students?per_page=200&page=2")

    with listening(answer) as school:
        pages = list(client(school.base_url).pages("students", {}))
    assert len(pages) == 2
    assert [r.authorization for r in school.received] == [f"Bearer {TOKEN}"] * 2


#: A looping server gives up after this many pages, so a client that loops ends (and fails).
PATIENCE = 5


def test_a_next_link_back_to_a_page_already_read_stops_the_read() -> None:
    served: list[str] = []

    def answer(base: str, path: str) -> dict[str, Any]:
        served.append(path)
        # every page says the next page is itself
        return page(base + path if len(served) < PATIENCE else None)

    with listening(answer) as school, pytest.raises(SourceDataError, match="already read"):
        list(client(school.base_url).pages("students", {}))
    assert len(school.received) == 1


def test_a_loop_over_two_pages_stops_too() -> None:
    served: list[str] = []

    def answer(base: str, path: str) -> dict[str, Any]:
        served.append(path)
        if len(served) >= PATIENCE:
            return page(None)
        other = "page=1" if page_number(path) == "2" else "page=2"
        return page(f"{base}/v1.0/schools/{SCHOOL}/students?{other}&per_page=200")

    with listening(answer) as school, pytest.raises(SourceDataError, match="already read"):
        list(client(school.base_url).pages("students", {"page": "1"}))
    assert len(school.received) == 2
