"""JSON over HTTP with the retry policy every API source shares.

This is the boundary where httpx and JSON errors become `errors.SourceError`s. Messages name the
server (its host), never the source, so every source can use them. A GET is retried with
exponential backoff (and jitter) on 429, 5xx, timeouts, dropped connections and unreadable
bodies, honouring `Retry-After`; 401, 403 and 404 are final at once. A `Retry-After` longer than
the longest wait we make is obeyed, not shortened: the read ends at once with `SourceBusy`, which
carries the moment the server named, so a scheduler can requeue the run for then.

A POST writes, so it is retried only when the server cannot have acted on it: it refused the
request (429) or it was never reached (no connection). After a 5xx or a timeout the write may
have happened, and trying again could make it twice: that ends with `SourceUnavailable` at once,
unless the caller says the request is safe to repeat (`idempotent=True`, e.g. it carries an
idempotency key).

The seam for tests is the `httpx.Client` passed in: build it with `client_for(...,
transport=httpx.MockTransport(handler))` and a plain function stands in for the server.
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
    SourceRejected,
    SourceUnavailable,
)

log = logging.getLogger(__name__)

_PERMISSION = re.compile(r"\b([a-z_]+(?:\.[a-z_]+)*\.(?:read|write))\b")


#: What a 403 asks a person to do; a source whose schools grant access elsewhere says where.
GRANT_HINT = "Ask the school to grant it to this service."


def client_for(
    *,
    headers: Mapping[str, str],
    timeout_seconds: float,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An `httpx.Client` as every source uses one: no redirects followed (a redirect would
    carry the credentials elsewhere), a connect timeout of at most 10 s, and `transport`
    standing in for the network when given (tests pass an `httpx.MockTransport`)."""
    return httpx.Client(
        headers=dict(headers),
        timeout=httpx.Timeout(timeout_seconds, connect=min(10.0, timeout_seconds)),
        follow_redirects=False,
        transport=transport,
    )


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
        grant_hint: str = GRANT_HINT,
    ) -> None:
        self._client = client
        self._grant_hint = grant_hint
        self._max_attempts = max(1, max_attempts)
        self._max_backoff = max_backoff_seconds
        self._sleep = sleep
        self._jitter = jitter
        self._clock = clock

    def get(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """GET a URL and decode its JSON body, retrying what is worth retrying."""
        return self._request("GET", url, params, None, repeatable=True)

    def post(
        self,
        url: str,
        body: Any,
        params: Mapping[str, str] | None = None,
        *,
        idempotent: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """POST `body` as JSON and decode the JSON answer (None for an empty one, e.g. 204).
        Retried only where the write cannot have happened, unless `idempotent`. A 422 is
        `SourceRejected`, carrying the fields the server named."""
        return self._request(
            "POST", url, params, orjson.dumps(body), repeatable=idempotent, extra=headers
        )

    def _request(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        content: bytes | None,
        *,
        repeatable: bool,
        extra: Mapping[str, str] | None = None,
    ) -> Any:
        where = _describe(method, url, params)
        server = _host(self._client, url)
        headers = (
            {"Content-Type": "application/json", **(extra or {})} if content is not None else None
        )
        last_problem = ""
        for attempt in range(1, self._max_attempts + 1):
            retry_after: float | None = None
            try:
                response = self._client.request(
                    method, url, params=params, content=content, headers=headers
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Never reached: safe to try again, whatever the method.
                last_problem = _connection_problem(self._client, url, exc)
            except httpx.TimeoutException:
                last_problem = "timed out"
                if not repeatable:
                    raise _maybe_applied(server, where, last_problem) from None
            except httpx.TransportError as exc:
                last_problem = _connection_problem(self._client, url, exc)
                if not repeatable:
                    raise _maybe_applied(server, where, last_problem) from None
            else:
                status = response.status_code
                if 200 <= status < 300:
                    if not response.content:
                        return None
                    try:
                        return orjson.loads(response.content)
                    except orjson.JSONDecodeError as exc:
                        # A truncated body is usually a dropped transfer: worth another try.
                        last_problem = f"the answer was not valid JSON ({exc})"
                        if not repeatable:
                            raise SourceDataError(
                                f"Could not read {server}'s answer to {where}: {last_problem}"
                            ) from None
                elif status == 422 and method == "POST":
                    raise _rejected(response, server, where)
                elif status in (401, 403, 404):
                    raise _final_error(status, response, server, where, self._grant_hint)
                elif status == 429 or status >= 500:
                    # The server's own words say why (an offline MIS connector, say).
                    said = _error_text(response)[:200]
                    last_problem = f"HTTP {status}" + (f": {said}" if said else "")
                    if status != 429 and not repeatable:
                        raise _maybe_applied(server, where, last_problem)
                    retry_after = _retry_after(response.headers.get("Retry-After"), self._clock)
                    if retry_after is not None and retry_after > self._max_backoff:
                        raise self._busy(server, where, status, retry_after, said)
                else:
                    raise SourceDataError(f"{server} answered HTTP {status} to {where}")
            if attempt == self._max_attempts:
                break
            delay = self._backoff(attempt, retry_after)
            log.info("retrying %s in %.1fs: %s (attempt %d)", where, delay, last_problem, attempt)
            self._sleep(delay)
        if "JSON" in last_problem:
            raise SourceDataError(f"Could not read {where} from {server}: {last_problem}")
        raise SourceUnavailable(
            f"Gave up on {where} at {server} after {self._max_attempts} attempts: {last_problem}"
        )

    def _busy(
        self, server: str, where: str, status: int, retry_after: float, said: str = ""
    ) -> SourceBusy:
        # Retrying sooner than asked is what gets a client's token rate-limited for longer.
        retry_at = dt.datetime.fromtimestamp(self._clock() + retry_after, dt.UTC).replace(
            microsecond=0
        )
        return SourceBusy(
            f"{server} is busy (HTTP {status} to {where}{'; ' + said if said else ''}) and "
            "asked us to wait "
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


def _final_error(
    status: int, response: httpx.Response, server: str, where: str, grant_hint: str
) -> Exception:
    detail = _error_text(response)
    if status == 401:
        return SourceAuthError(
            f"{server} rejected the API token (HTTP 401): check the token, or whether it was "
            f"rotated. Request: {where}"
        )
    if status == 403:
        match = _PERMISSION.search(detail)
        permission = match.group(1) if match else None
        needed = f"the '{permission}' permission" if permission else "access to this data"
        return SourceAuthError(
            f"The school has not granted {needed} (HTTP 403 from {server}). {grant_hint} "
            f"Request: {where}",
            permission=permission,
        )
    return SourceNotFound(f"{server} does not know {where} (HTTP 404). {detail}".strip())


def _rejected(response: httpx.Response, server: str, where: str) -> SourceRejected:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        body = None
    errors = body.get("errors") if isinstance(body, dict) else None
    fields = errors if isinstance(errors, dict) else {}
    named = "; ".join(f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
                      for k, v in fields.items())  # fmt: skip
    detail = named or _error_text(response) or "no reason given"
    return SourceRejected(
        f"{server} refused {where} as invalid (HTTP 422): {detail}",
        {
            str(k): [str(x) for x in v] if isinstance(v, list) else [str(v)]
            for k, v in fields.items()
        },
    )


def _maybe_applied(server: str, where: str, problem: str) -> SourceUnavailable:
    return SourceUnavailable(
        f"{server} did not answer {where} ({problem}); the change may or may not have been "
        "made, so it was not sent again"
    )


def _host(client: httpx.Client, url: str) -> str:
    """The server a request goes to, as a person would name it: host, and port if unusual."""
    target = client.base_url.join(url) if client.base_url else httpx.URL(url)
    default = {"http": 80, "https": 443}.get(target.scheme)
    return target.host + (f":{target.port}" if target.port and target.port != default else "")


def _error_text(response: httpx.Response) -> str:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return response.text[:200]
    if isinstance(body, dict):
        parts = [str(body.get(k)) for k in ("error", "error_description", "message") if body.get(k)]
        return " ".join(parts)
    return ""


def _connection_problem(client: httpx.Client, url: str, exc: httpx.TransportError) -> str:
    """Which server could not be reached, and how: a person must know where to look."""
    target = client.base_url.join(url) if client.base_url else httpx.URL(url)
    origin = f"{target.scheme}://{target.host}" + (f":{target.port}" if target.port else "")
    reason = str(exc).strip()[:120] or type(exc).__name__
    return f"could not connect to {origin} ({reason})"


def _describe(method: str, url: str, params: Mapping[str, str] | None) -> str:
    """The request as it may appear in messages: path and query, never credentials."""
    parts = urlsplit(url)
    query = parts.query
    if params:
        extra = "&".join(f"{k}={v}" for k, v in params.items())
        query = f"{query}&{extra}" if query else extra
    return f"{method} {parts.path}" + (f"?{query}" if query else "")
