"""The pace of requests to Wonde shared by every job: a cap overall and per school, and a 429
that slows everyone. In one process (threads) and across workers (real Redis)."""

from __future__ import annotations

import contextlib
import threading
import uuid

import httpx
import pytest

from schoolsync.jobs.pace import LocalPace, PacedTransport, RedisPace
from tests.jobs.fleet_helpers import REDIS_URL


def most_at_once(pace: LocalPace | RedisPace, schools: list[str]) -> int:
    """Many threads take a slot each and hold it until all have tried; how many held at once."""
    held, most = 0, 0
    lock = threading.Lock()
    tried = threading.Barrier(len(schools), timeout=30)

    def take(school: str) -> None:
        nonlocal held, most
        token = pace.acquire(school)
        with lock:
            held += 1
            most = max(most, held)
        with contextlib.suppress(threading.BrokenBarrierError):
            tried.wait()  # those that got a slot wait here for the rest...
        with lock:
            held -= 1
        pace.release(school, token)

    threads = [threading.Thread(target=take, args=(s,)) for s in schools]
    for thread in threads:
        thread.start()
    # ...which cannot all get one: once the cap is reached, let the holders go.
    for thread in threads:
        thread.join(timeout=0.5)
    tried.abort()
    for thread in threads:
        thread.join(timeout=30)
    return most


def test_one_process_keeps_to_the_caps() -> None:
    assert most_at_once(LocalPace(overall=3, per_school=5), [f"S{n}" for n in range(8)]) == 3
    assert most_at_once(LocalPace(overall=8, per_school=2), ["S1"] * 6) == 2


@pytest.fixture
def name() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def test_workers_sharing_redis_keep_to_one_cap(name: str) -> None:
    first = RedisPace(REDIS_URL, overall=2, per_school=2, slot_seconds=30, name=name)
    second = RedisPace(REDIS_URL, overall=2, per_school=2, slot_seconds=30, name=name)
    a = first.acquire("S1")
    b = second.acquire("S2")
    assert second.in_use() == 2
    taken: list[str] = []
    waiting = threading.Thread(target=lambda: taken.append(first.acquire("S3")))
    waiting.start()
    waiting.join(timeout=0.5)
    assert taken == []  # the third waits for a slot, whichever worker asks
    second.release("S2", b)
    waiting.join(timeout=30)
    assert len(taken) == 1
    first.release("S1", a)
    first.release("S3", taken[0])
    assert first.in_use() == 0


def test_a_slot_of_a_killed_worker_expires(name: str) -> None:
    pace = RedisPace(REDIS_URL, overall=1, per_school=1, slot_seconds=0.2, name=name)
    pace.acquire("S1")  # never released: its worker died
    token = pace.acquire("S1")  # free again once the slot's time is up
    pace.release("S1", token)


def test_a_429_slows_every_worker_not_only_the_one_that_met_it(name: str) -> None:
    met_it = RedisPace(REDIS_URL, overall=4, per_school=2, slot_seconds=30, name=name)
    other = RedisPace(REDIS_URL, overall=4, per_school=2, slot_seconds=30, name=name)

    def wonde(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "30"}, json={"error": "slow down"})

    transport = PacedTransport(met_it, httpx.MockTransport(wonde))
    with httpx.Client(transport=transport) as client:
        assert client.get("http://wonde.test/v1.0/schools/A1/students").status_code == 429
    assert 20 < other.slowed_for() <= 30
    assert met_it.in_use() == 0  # the slot went back


def test_in_one_process_a_429_makes_the_next_request_wait() -> None:
    now = [1000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pace = LocalPace(overall=2, per_school=1, clock=lambda: now[0], sleep=sleep)
    pace.slow_down(3)
    pace.release("S1", pace.acquire("S1"))
    assert sum(slept) == pytest.approx(3)
