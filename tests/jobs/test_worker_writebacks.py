"""A `schoolsync worker` on its own (no `serve`, no `scheduler`) sends the write-backs: a late
arrival recorded at reception is confirmed by the MIS, exactly once, through the prefork pool."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from schoolsync.config import Settings
from schoolsync.sandbox import Sandbox, running_sandbox
from schoolsync.store.database import make_engine
from tests.jobs.fleet_helpers import AMQP_URL, Fleet, empty, wait_for
from tests.writeback.helpers import TOKEN, Scene, make_scene

pytestmark = pytest.mark.slow


@pytest.fixture
def scene(postgres_url: str, tmp_path: Path) -> Iterator[Scene]:
    empty(postgres_url)
    sandbox = Sandbox.demo(seed=5, pupils=60, token=TOKEN)
    sandbox.writebacks.completes_after = 0.2
    settings = Settings(database_url=postgres_url, home=tmp_path, secret_key=Fernet.generate_key())
    engine = make_engine(postgres_url)
    try:
        with running_sandbox(sandbox) as base_url:
            yield make_scene(engine, settings, sandbox, base_url)
    finally:
        engine.dispose()
        empty(postgres_url)


def test_a_worker_alone_sends_each_sign_in_to_the_mis_once(scene: Scene, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SCHOOLSYNC_HOME": str(tmp_path / "home"),
        "SCHOOLSYNC_DATABASE_URL": scene.settings.database_url,
        "SCHOOLSYNC_SECRET_KEY": scene.settings.secret_key.decode(),
        "SCHOOLSYNC_BROKER_URL": AMQP_URL,
        "SCHOOLSYNC_QUEUE": f"test-{uuid.uuid4().hex[:10]}",
        "SCHOOLSYNC_LOG_LEVEL": "INFO",
        # The marks are made on the scene's morning; the worker runs on today's clock.
        "SCHOOLSYNC_WRITEBACK_FAIL_AFTER": str(60 * 24 * 365 * 5),
    }
    ships = Fleet(env, scene.engine, scene.sandbox, {}, tmp_path)
    try:
        # Two worker processes forked from the main one, whose thread sends the marks.
        ships.start_worker("--pool", "prefork", "--concurrency", "2")
        pupils = scene.pupils(5)
        for pupil in pupils:
            scene.sign_in(pupil)

        wait_for("every mark to be confirmed", scene.all("confirmed"), seconds=60)
        received = scene.received()
        assert len(received["data"]) == len(pupils)
        assert Counter(r["student_id"] for r in received["data"]).most_common(1)[0][1] == 1
        assert received["replays"] == 0
        assert {m["student_id"] for m in scene.marks()} == {
            r["student_id"] for r in received["data"]
        }
    finally:
        for worker in ships.workers:
            worker.terminate()
            worker.wait(timeout=30)
    # The sender stopped with the worker (warm shutdown), leaving nothing behind.
    assert "Traceback" not in ships.worker_log()
