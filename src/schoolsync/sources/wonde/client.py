"""The Wonde school-data API as a source: what to fetch, how to page, which base URL.

The client follows `meta.pagination.next` exactly as given (it carries every parameter), copes
with `meta` or `pagination` being absent, and talks to the school's regional domain. A `next`
is followed only on the origin (scheme, host, port) of the school's API: every request carries
the school's token, which must never reach another server. A `next` that leads back to a page
already read ends the read with an error rather than looping. Turning records into domain values
is `records`' job, choosing what to fetch is `reader`'s; this module only talks HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from schoolsync import __version__
from schoolsync.errors import SourceDataError
from schoolsync.sources.base import Progress
from schoolsync.sources.http import JsonHttp, client_for

DEFAULT_BASE_URL = "https://api.wonde.com/v1.0/"
PAGE_SIZE = "200"


def base_url_for(school: dict[str, Any]) -> str:
    """The regional base URL: 'using the wrong domain for a school will return no data'."""
    region = school.get("region") or {}
    domain = region.get("domain") if isinstance(region, dict) else None
    return f"https://{domain}/v1.0/" if domain else DEFAULT_BASE_URL


#: Where a Wonde school grants what a 403 says is missing.
GRANT_HINT = "Ask the school to approve it in the Wonde portal."


def make_http_client(
    token: str, timeout_seconds: float, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    return client_for(
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "User-Agent": f"schoolsync/{__version__}",
        },
        timeout_seconds=timeout_seconds,
        transport=transport,
    )


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number matches no origin
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _page_key(url: str, query: dict[str, str] | None) -> str:
    """The page a request reads, however its query was given."""
    full = httpx.URL(url).copy_merge_params(query or {})
    return str(full.copy_with(query=b"&".join(sorted(full.query.split(b"&")))))


def _origin_text(url: str) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"


@dataclass
class WondeClient:
    http: JsonHttp
    base_url: str
    school_id: str

    def url(self, path: str) -> str:
        return f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"

    def school(self) -> dict[str, Any]:
        body = self.http.get(self.url(f"schools/{self.school_id}"))
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise SourceDataError(f"The answer for school {self.school_id} has no 'data' object")
        return data

    def permissions(self) -> list[dict[str, Any]]:
        """The permissions the school granted or denied this app (`identity`, `approved`)."""
        body = self.http.get(self.url(f"meta/schools/{self.school_id}/permissions"))
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise SourceDataError(f"The permissions of school {self.school_id} have no 'data' list")
        return [item for item in data if isinstance(item, dict)]

    def pages(self, path: str, params: dict[str, str]) -> Iterator[list[dict[str, Any]]]:
        """Every page of a list endpoint, following `next` as given."""
        url: str | None = self.url(f"schools/{self.school_id}/{path}")
        query: dict[str, str] | None = {"per_page": PAGE_SIZE, **params}
        origin = _origin(self.base_url)
        seen: set[str] = set()
        page = 0
        while url:
            page += 1
            seen.add(_page_key(url, query))
            body = self.http.get(url, query)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise SourceDataError(
                    f"Page {page} of {path} from Wonde has no 'data' list; it cannot be read"
                )
            yield body["data"]
            meta = body.get("meta") or {}
            pagination = meta.get("pagination") if isinstance(meta, dict) else None
            if not isinstance(pagination, dict) or pagination.get("more") is False:
                break
            following = pagination.get("next") or None
            if following is None:
                break
            url = urljoin(url, str(following))
            if _origin(url) != origin:
                raise SourceDataError(
                    f"Page {page} of {path} from Wonde links its next page to another server "
                    f"({_origin_text(url)}, not {_origin_text(self.base_url)}); it was not "
                    "followed, so the school's token was not sent there"
                )
            if _page_key(url, None) in seen:
                raise SourceDataError(
                    f"Page {page} of {path} from Wonde links its next page back to a page "
                    "already read; the read stopped there rather than loop"
                )
            query = None  # the next URL already carries every parameter

    def all(
        self, path: str, params: dict[str, str], progress: Progress, total: int | None
    ) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        for page in self.pages(path, params):
            records.extend(page)
            progress(path, len(records), total)
        return records

    def counts(self) -> dict[str, int]:
        body = self.http.get(
            self.url(f"schools/{self.school_id}/counts"),
            {"include": "students,employees,classes,groups,subjects"},
        )
        data = body.get("data") if isinstance(body, dict) else None
        result: dict[str, int] = {}
        if isinstance(data, dict):
            for name, value in data.items():
                count = (value or {}).get("data", {}).get("count")
                if isinstance(count, int):
                    result[name] = count
        return result
