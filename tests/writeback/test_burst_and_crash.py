"""The promises that matter most, over real HTTP on SQLite and PostgreSQL: a morning's burst of
1,000 sign-ins all reach the MIS once, and a sender killed between sending a write-back and
recording the answer does not make the MIS take it twice when it starts again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.sandbox import Sandbox, running_sandbox
from schoolsync.store.attendance_tables import attendance_marks

from .helpers import TOKEN, Scene, make_scene

pytestmark = pytest.mark.slow


@pytest.fixture
def big_scene(engine: sa.Engine, settings: Settings) -> Iterator[Scene]:
    sandbox = Sandbox.demo(seed=3, pupils=1100, token=TOKEN)
    sandbox.writebacks.completes_after = 0.5
    with running_sandbox(sandbox) as base_url:
        yield make_scene(engine, settings, sandbox, base_url)


def test_a_burst_of_1000_sign_ins_is_confirmed_with_none_duplicated(big_scene: Scene) -> None:
    scene = big_scene
    pupils = scene.pupils(1000)
    assert len(pupils) == 1000
    for pupil in pupils:
        scene.sign_in(pupil)
    scene.send_until(scene.all("confirmed"))
    received = scene.received()["data"]
    assert len(received) == 1000
    assert Counter(r["student_id"] for r in received).most_common(1)[0][1] == 1
    assert {m["student_id"] for m in scene.marks()} == {r["student_id"] for r in received}
    assert scene.received()["replays"] == 0


def _schoolsync() -> str:
    found = shutil.which("schoolsync", path=str(Path(sys.executable).parent))
    assert found, "scripts/setup installs the schoolsync command into the venv"
    return found


def test_a_sender_killed_before_it_records_the_answer_does_not_send_twice(
    scene: Scene, settings: Settings, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "SCHOOLSYNC_DATABASE_URL": settings.database_url,
        "SCHOOLSYNC_SECRET_KEY": settings.secret_key.decode(),
        "SCHOOLSYNC_HOME": str(tmp_path),
        # The marks were made on the scene's morning; the command runs on today's clock.
        "SCHOOLSYNC_WRITEBACK_FAIL_AFTER": str(60 * 24 * 365 * 5),
    }
    command = [_schoolsync(), "writebacks", scene.key, "--send", "--json"]
    for pupil in scene.pupils(3):
        scene.sign_in(pupil)
    # The MIS takes the write-back at once but answers only 8 s later: the window to crash in.
    scene.sandbox.faults.slow_answer(ms=8000, path="attendance/session")
    sender = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not scene.received()["data"]:
        assert sender.poll() is None, sender.communicate()
        assert time.monotonic() < deadline, "the sender never sent"
        time.sleep(0.05)
    sender.kill()
    sender.wait()
    assert len(scene.received()["data"]) == 3
    with scene.engine.connect() as conn:
        rows = conn.execute(sa.select(attendance_marks)).mappings().all()
    assert {r["status"] for r in rows} == {"queued"}  # sent, but the answer never recorded
    assert {r["claimed_by"].rpartition(":")[2] for r in rows} == {str(sender.pid)}
    # Started again, the sender sees its predecessor is dead and resends the same write-back.
    deadline = time.monotonic() + 60
    while scene.statuses() != {"confirmed": 3}:
        assert time.monotonic() < deadline, scene.statuses()
        again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert again.returncode == 0, again.stderr
        time.sleep(0.3)
    received = scene.received()
    assert len(received["data"]) == 3
    assert received["replays"] == 1


def test_two_senders_at_once_never_send_a_mark_twice(scene: Scene) -> None:
    """`serve` and a cron `writebacks --send` (or the scheduler) may pass at the same moment:
    PostgreSQL's row locks keep them apart, and on SQLite the claim's check does."""
    from schoolsync.jobs.writeback_sender import WritebackSender

    pupils = scene.pupils(100)
    for pupil in pupils:
        scene.sign_in(pupil)
    senders = [
        WritebackSender(scene.engine, scene.settings, every_seconds=0.01, clock=scene.clock)
        for _ in range(2)
    ]
    for sender in senders:
        sender.start()
    try:
        for pupil in pupils:  # more arrive while they run: the morning goes on
            scene.sign_in(pupil, direction="early", reason="M")
        deadline = time.monotonic() + 60
        while scene.statuses() != {"confirmed": 200}:
            assert time.monotonic() < deadline, scene.statuses()
            time.sleep(0.1)
    finally:
        for sender in senders:
            sender.stop()
    received = scene.received()["data"]
    assert len(received) == 200
    assert Counter((r["student_id"], r["comment"][:4]) for r in received).most_common(1)[0][1] == 1
