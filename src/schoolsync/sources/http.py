"""JSON over HTTP with the retry policy every source shares.

This is the boundary where httpx and JSON errors become `errors.SourceError`s. Retries back off
exponentially (with jitter) on 429, 5xx, timeouts, dropped connections and unreadable bodies,
honouring `Retry-After`; 401, 403 and 404 are final at once. A `Retry-After` longer than the
longest wait we make is obeyed, not shortened: the read ends at once with `SourceBusy`, which
carries the moment the server named, so a scheduler can requeue the run for then.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from schoolsync.errors import (
    SourceAuthError,
    SourceBusy,
    SourceDataError,
    SourceNotFound,
    SourceUnavailable,
)

log = logging.getLogger(__name__)

_PERMISSION = re.compile(r"\b([a-z_]+(?:\.[a-z_]+)*\.(?:read|write))\b")


class JsonHttp:
    def __init__(
        self,
        client: httpx.Client,
        *,
        max_attempts: int = 5,
        max_backoff_seconds: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._max_attempts = max(1, max_attempts)
        self._max_backoff = max_backoff_seconds
        self._sleep = sleep
        self._jitter = jitter
        self._clock = clock

    def get(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """GET a URL and decode its JSON body, retrying what is worth retrying."""
        where = _describe(url, params)
        last_problem = ""
        for attempt in range(1, self._max_attempts + 1):
            retry_after: float | None = None
            try:
                response = self._client.get(url, params=params)
            except httpx.TimeoutException:
                last_problem = "timed out"
            except httpx.TransportError as exc:
                last_problem = f"connection failed ({type(exc).__name__})"
            else:
                status = response.status_code
                if status == 200:
                    try:
                        return orjson.loads(response.content)
                    except orjson.JSONDecodeError as exc:
                        # A truncated body is usually a dropped transfer: worth another try.
                        last_problem = f"the answer was not valid JSON ({exc})"
                elif status in (401, 403, 404):
                    raise _final_error(status, response, where)
                elif status == 429 or status >= 500:
                    last_problem = f"HTTP {status}"
                    retry_after = _retry_after(response.headers.get("Retry-After"), self._clock)
                    if retry_after is not None and retry_after > self._max_backoff:
                        raise self._busy(where, status, retry_after)
                else:
                    raise SourceDataError(f"Wonde answered HTTP {status} to {where}")
            if attempt == self._max_attempts:
                break
            delay = self._backoff(attempt, retry_after)
            log.info("retrying %s in %.1fs: %s (attempt %d)", where, delay, last_problem, attempt)
            self._sleep(delay)
        if "JSON" in last_problem:
            raise SourceDataError(f"Could not read {where}: {last_problem}")
        raise SourceUnavailable(
            f"Gave up on {where} after {self._max_attempts} attempts: {last_problem}"
        )

    def _busy(self, where: str, status: int, retry_after: float) -> SourceBusy:
        # Retrying sooner than asked is what gets a client's token rate-limited for longer.
        retry_at = dt.datetime.fromtimestamp(self._clock() + retry_after, dt.UTC).replace(
            microsecond=0
        )
        return SourceBusy(
            f"Wonde is busy (HTTP {status} to {where}) and asked us to wait "
            f"{_duration(retry_after)}: source busy, retry at "
            f"{retry_at:%Y-%m-%d %H:%M:%S} UTC",
            retry_at=retry_at,
        )

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self._max_backoff)
        exponential: float = 0.5 * 2.0 ** (attempt - 1) * (1.0 + self._jitter())
        return min(self._max_backoff, exponential)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def _retry_after(value: str | None, clock: Callable[[], float] = time.time) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    seconds: float = moment.timestamp() - clock()
    return max(0.0, seconds)


def _final_error(status: int, response: httpx.Response, where: str) -> Exception:
    detail = _error_text(response)
    if status == 401:
        return SourceAuthError(
            "Wonde rejected the API token (HTTP 401): check the token, or whether it was "
            f"rotated. Request: {where}"
        )
    if status == 403:
        match = _PERMISSION.search(detail)
        permission = match.group(1) if match else None
        needed = f"the '{permission}' permission" if permission else "access to this data"
        return SourceAuthError(
            f"The school has not granted {needed} (HTTP 403). Ask the school to approve it in "
            f"the Wonde portal. Request: {where}",
            permission=permission,
        )
    return SourceNotFound(f"Wonde does not know {where} (HTTP 404). {detail}".strip())


def _error_text(response: httpx.Response) -> str:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return response.text[:200]
    if isinstance(body, dict):
        parts = [str(body.get(k)) for k in ("error", "error_description", "message") if body.get(k)]
        return " ".join(parts)
    return ""


def _describe(url: str, params: Mapping[str, str] | None) -> str:
    """The request as it may appear in messages: path and query, never credentials."""
    parts = urlsplit(url)
    query = parts.query
    if params:
        extra = "&".join(f"{k}={v}" for k, v in params.items())
        query = f"{query}&{extra}" if query else extra
    return f"GET {parts.path}" + (f"?{query}" if query else "")
