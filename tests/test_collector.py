"""A sync pauses Python's cyclic garbage collector and always gives it back: after a run that
fails, after overlapping runs in two threads, and never turning on a collector that was off."""

from __future__ import annotations

import datetime as dt
import gc
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.collector import collector_paused
from schoolsync.model import Snapshot
from schoolsync.pipeline import sync_school
from schoolsync.store import schools as school_store
from tests.builders import pupil, snapshot
from tests.conftest import Clock


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_during_a_pause_and_back_on_after_an_error() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("the run failed")
    assert gc.isenabled()


def test_nested_and_overlapping_pauses_turn_it_back_on_only_when_the_last_ends() -> None:
    inside = threading.Event()
    release = threading.Event()

    def other_run() -> None:
        with collector_paused():
            inside.set()
            release.wait(30)

    with collector_paused():
        thread = threading.Thread(target=other_run)
        thread.start()
        assert inside.wait(30)
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's run still goes on
    release.set()
    thread.join(30)
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_program_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_a_run_ending_while_another_holds_the_collector_off_frees_its_own_cycles() -> None:
    class Node:
        other: Node

    freed = threading.Event()
    with collector_paused():  # another run, still going
        with collector_paused():
            first, second = Node(), Node()
            first.other, second.other = second, first
            weakref.finalize(first, freed.set)
            del first, second
            assert not freed.is_set()  # a cycle: reference counting alone cannot free it
        assert freed.is_set()
        assert not gc.isenabled()


def test_a_sync_runs_with_the_collector_paused_and_gives_it_back_when_it_fails(
    engine: sa.Engine, clock: Clock
) -> None:
    with engine.begin() as conn:
        key = school_store.add_school(
            conn, name="Larkfield Academy", now=clock(), secret_key=Fernet.generate_key()
        ).key
    seen: list[bool] = []

    def read(_school: Any, _since: dt.datetime | None, _progress: Any) -> Snapshot:
        seen.append(gc.isenabled())
        return snapshot(pupil("P1", "Zara", "Okafor"))

    def broken(_school: Any, _since: dt.datetime | None, _progress: Any) -> Snapshot:
        raise ValueError("the source broke")

    assert sync_school(engine, key, read, now=clock).status == "success"
    assert sync_school(engine, key, broken, now=clock).status == "failed"
    assert seen == [False]
    assert gc.isenabled()
