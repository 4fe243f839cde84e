"""The pace of requests to Wonde, shared by every job: a cap on concurrent requests overall and
per school, and a 429 that slows everyone, not only the job that met it.

`LocalPace` shares it between the threads of one process (`schoolsync serve`); `RedisPace`
between the workers of a fleet (`schoolsync worker`, with `SCHOOLSYNC_PACE_URL` or a Redis
broker). Both sit under the HTTP client as a transport (`PacedTransport`), so the sources know
nothing of them. A slot taken in Redis expires on its own, so a worker killed while holding one
does not shrink the pool for good.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import httpx

if TYPE_CHECKING:
    from schoolsync.config import Settings
    from schoolsync.pipeline import SnapshotReader
    from schoolsync.sources.wonde.photos import PhotosReader

_SCHOOL = re.compile(r"/schools/([^/]+)")


class Pace(Protocol):
    def acquire(self, school: str) -> str:
        """Wait for a slot (and for any slow-down to pass); a token for `release`."""

    def release(self, school: str, token: str) -> None: ...

    def slow_down(self, seconds: float) -> None:
        """Nobody sends a request for `seconds` (a 429 asked us to wait)."""


class LocalPace:
    def __init__(
        self,
        overall: int,
        per_school: int,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._overall = threading.BoundedSemaphore(max(1, overall))
        self._per_school = max(1, per_school)
        self._schools: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self._until = 0.0
        self._clock, self._sleep = clock, sleep

    def acquire(self, school: str) -> str:
        while (wait := self._until - self._clock()) > 0:
            self._sleep(min(wait, 1.0))
        with self._lock:
            mine = self._schools.setdefault(school, threading.BoundedSemaphore(self._per_school))
        mine.acquire()
        self._overall.acquire()
        return school

    def release(self, school: str, token: str) -> None:
        self._overall.release()
        self._schools[school].release()

    def slow_down(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, self._clock() + seconds)

    def slowed_for(self) -> float:
        """Seconds before anyone may send again (0: no slow-down)."""
        return max(0.0, self._until - self._clock())


# KEYS: the overall and the school's sorted sets of slots (scored by expiry), the slow-down key.
# ARGV: now, slot ttl, token, overall cap, per-school cap.
# Returns 0 (taken), -1 (full: try again soon) or the seconds left of a slow-down.
_TAKE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local slow = tonumber(redis.call('GET', KEYS[3]) or '0')
if slow > now then return tostring(slow - now) end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return '-1' end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return '-1' end
local expires = now + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], expires, ARGV[3])
redis.call('ZADD', KEYS[2], expires, ARGV[3])
redis.call('EXPIRE', KEYS[2], math.ceil(tonumber(ARGV[2])) + 1)
return '0'
"""
_SLOW = """
local wanted = tonumber(ARGV[1])
local slow = tonumber(redis.call('GET', KEYS[1]) or '0')
if wanted > slow then redis.call('SET', KEYS[1], ARGV[1], 'EX', math.ceil(ARGV[2]) + 1) end
return 0
"""


class RedisPace:
    """The same pace for every worker that shares the Redis server at `url`."""

    def __init__(
        self,
        url: str,
        overall: int,
        per_school: int,
        slot_seconds: float,
        name: str = "schoolsync",
    ) -> None:
        import redis

        self._redis: Any = redis.Redis.from_url(url)
        self._take = self._redis.register_script(_TAKE)
        self._slow = self._redis.register_script(_SLOW)
        self._overall, self._per_school = max(1, overall), max(1, per_school)
        self._ttl = slot_seconds
        self._prefix = f"{name}:pace"

    def acquire(self, school: str) -> str:
        token = uuid.uuid4().hex
        while True:
            answer = float(
                self._take(
                    keys=self._keys(school),
                    args=[time.time(), self._ttl, token, self._overall, self._per_school],
                )
            )
            if answer == 0:
                return token
            time.sleep(0.02 if answer < 0 else min(answer, 1.0))

    def release(self, school: str, token: str) -> None:
        overall, mine, _ = self._keys(school)
        self._redis.zrem(overall, token)
        self._redis.zrem(mine, token)

    def slow_down(self, seconds: float) -> None:
        self._slow(keys=[f"{self._prefix}:slow"], args=[time.time() + seconds, seconds])

    def slowed_for(self) -> float:
        """Seconds before any worker may send again (0: no slow-down)."""
        until = float(self._redis.get(f"{self._prefix}:slow") or 0)
        return max(0.0, until - time.time())

    def in_use(self) -> int:
        """Slots held now, overall (for tests and metrics)."""
        overall = f"{self._prefix}:all"
        self._redis.zremrangebyscore(overall, "-inf", time.time())
        return int(self._redis.zcard(overall))

    def _keys(self, school: str) -> list[str]:
        return [f"{self._prefix}:all", f"{self._prefix}:school:{school}", f"{self._prefix}:slow"]


class PacedTransport(httpx.BaseTransport):
    """Each request waits for a slot of the shared pace; a 429 slows the whole pace down."""

    def __init__(self, pace: Pace, inner: httpx.BaseTransport | None = None) -> None:
        self._pace = pace
        self._inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        match = _SCHOOL.search(request.url.path)
        school = match.group(1) if match else request.url.host
        token = self._pace.acquire(school)
        try:
            response = self._inner.handle_request(request)
            response.read()  # the slot is held until the body is in
        finally:
            self._pace.release(school, token)
        if response.status_code == 429:
            self._pace.slow_down(_seconds(response.headers.get("Retry-After")))
        return response

    def close(self) -> None:
        self._inner.close()


def _seconds(retry_after: str | None) -> float:
    try:
        return min(60.0, max(1.0, float(retry_after or 1)))
    except ValueError:
        return 1.0


_PACES: dict[str, Pace] = {}
_LOCK = threading.Lock()


def pace_for(settings: Settings) -> Pace:
    """This process's pace (one per process, so its threads share it)."""
    key = settings.pace_url or "local"
    with _LOCK:
        pace = _PACES.get(key)
        if pace is None:
            overall, mine = settings.wonde_concurrency, settings.wonde_concurrency_per_school
            if settings.pace_url:
                ttl = settings.wonde_timeout_seconds + 5
                pace = RedisPace(settings.pace_url, overall, mine, ttl, settings.queue_name)
            else:
                pace = LocalPace(overall, mine)
            _PACES[key] = pace
        return pace


def paced_reader(settings: Settings) -> SnapshotReader:
    """The MIS reader whose requests keep to the shared pace."""
    from schoolsync.services.sources import mis_reader

    return mis_reader(settings, PacedTransport(pace_for(settings)))


def paced_photos_reader(settings: Settings) -> PhotosReader:
    """The photos reader whose requests keep to the same pace as the syncs'."""
    from schoolsync.services.sources import photos_reader

    return photos_reader(settings, PacedTransport(pace_for(settings)))
