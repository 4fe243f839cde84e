"""Syncs started from the web app: each is a manual job on the embedded runner of the serving
process (`jobs/runner.py`), ahead of the scheduled ones, and reports its progress here for the
page to poll."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schoolsync.jobs.runner import EmbeddedRunner
from schoolsync.services.handle import Store
from schoolsync.wording import reading_word

if TYPE_CHECKING:
    from schoolsync.jobs.run import JobOutcome
    from schoolsync.pipeline import Notify, SnapshotReader
    from schoolsync.sources.wonde.photos import PhotosReader

log = logging.getLogger(__name__)


@dataclass
class SyncProgress:
    """What one sync has done so far. Counts only: never a person's data."""

    #: what is being read now ("pupils") and how far it has got
    reading: str = "Starting"
    done: int = 0
    total: int | None = None
    finished: bool = False
    status: str | None = None
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, what: str, done: int, total: int | None) -> None:
        with self.lock:
            self.reading, self.done, self.total = reading_word(what), done, total


class SyncJobs:
    """One background sync per school at a time; the store's lock guards across processes."""

    def __init__(
        self,
        engine: Store,
        reader: Callable[[], SnapshotReader],
        notify: Notify | None = None,
        runner: EmbeddedRunner | None = None,
        *,
        photos: PhotosReader | None = None,
    ) -> None:
        self._engine = engine
        self._reader = reader
        # Without a runner of its own (`schoolsync serve` brings one), one worker, no schedule.
        self._runner = runner or EmbeddedRunner(
            engine, reader, notify, workers=1, schedule=False, photos=photos
        )
        self._jobs: dict[str, SyncProgress] = {}
        self._lock = threading.Lock()

    def reader(self) -> SnapshotReader:
        """How this app reads a school's MIS (the manual sync wizard reads through it too)."""
        return self._reader()

    def progress(self, school_key: str) -> SyncProgress | None:
        with self._lock:
            return self._jobs.get(school_key)

    def start(self, school_key: str, trigger: str = "manual") -> bool:
        """False when this process is already syncing the school. `expedited`: a sync nobody
        is waiting on the page for, yet one to run before the night's (a school just approved
        the app, or moved to another MIS)."""
        with self._lock:
            current = self._jobs.get(school_key)
            if current is not None and not current.finished:
                return False
            progress = self._jobs[school_key] = SyncProgress()
        try:
            self._runner.submit(
                school_key, trigger, progress=progress.update, done=_finisher(progress)
            )
        except Exception:
            with self._lock:
                del self._jobs[school_key]
            raise
        return True


def _finisher(progress: SyncProgress) -> Callable[[JobOutcome | None, BaseException | None], None]:
    """What the page shows when the job ends: the run's status, or why it did not run."""

    def done(outcome: JobOutcome | None, error: BaseException | None) -> None:
        if outcome is not None and outcome.what == "ran":
            progress.status = outcome.status
            # A failed run says why (a permission to grant, a source that is down): show it.
            if outcome.status == "failed":
                progress.error = outcome.message or "The sync failed; its run says why"
        elif outcome is not None and outcome.what == "skipped" and outcome.message:
            # Not a failure: the school cannot be synced yet (or any more); say why.
            progress.status, progress.error = "skipped", outcome.message
        elif outcome is not None:
            progress.status, progress.error = "failed", outcome.message or "The sync did not run"
        else:
            # The type only: a message or traceback could quote a pupil's record.
            log.error("a sync started from the web app failed: %s", type(error).__name__)
            progress.status, progress.error = "failed", "An unexpected error has occurred"
        progress.finished = True

    return done
