"""Syncs started from the web app: progress while reading, and why a run failed."""

from __future__ import annotations

import logging
import threading
import time

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.errors import SourceAuthError
from schoolsync.store import schools as school_store
from schoolsync.web.sync_jobs import SyncJobs
from tests.web.helpers import NOW, mis


@pytest.fixture
def key(engine: sa.Engine) -> str:
    with engine.begin() as conn:
        return school_store.add_school(
            conn, name="Larkfield", now=NOW, secret_key=Fernet.generate_key()
        ).key


def wait(jobs: SyncJobs, key: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        progress = jobs.progress(key)
        if progress is not None and progress.finished:
            return
        time.sleep(0.05)
    raise AssertionError("the sync did not finish")


def test_progress_is_reported_while_reading(engine: sa.Engine, key: str) -> None:
    reading = threading.Event()
    go_on = threading.Event()

    def read(_school, _since, progress):
        progress("students", 40, 100)
        reading.set()
        go_on.wait(10)
        return mis("Larkfield")

    jobs = SyncJobs(engine, lambda: read)
    assert jobs.start(key)
    assert reading.wait(10)
    progress = jobs.progress(key)
    assert progress is not None
    assert (progress.reading, progress.done, progress.total) == ("pupils", 40, 100)
    assert not jobs.start(key)  # one sync of a school at a time
    go_on.set()
    wait(jobs, key)
    assert jobs.progress(key).status == "issues_exist"  # type: ignore[union-attr]


def test_a_failed_run_says_why_and_logs_no_pupil_data(
    engine: sa.Engine, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    def read(_school, _since, _progress):
        raise SourceAuthError("Wonde refused the token: grant the 'students' permission")

    caplog.set_level(logging.DEBUG)
    jobs = SyncJobs(engine, lambda: read)
    jobs.start(key)
    wait(jobs, key)
    progress = jobs.progress(key)
    assert progress is not None and progress.status == "failed"
    assert "grant the 'students' permission" in (progress.error or "")

    def explode(_school, _since, _progress):
        raise ValueError("Amara Okafor, born 2012-05-01")

    jobs = SyncJobs(engine, lambda: explode)
    jobs.start(key)
    wait(jobs, key)
    assert jobs.progress(key).status == "failed"  # type: ignore[union-attr]
    assert "Amara" not in caplog.text
