"""Syncs started from the web app: each runs in a background thread of the serving process
(the embedded runner), and reports its progress here for the page to poll."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from schoolsync.errors import SchoolsyncError, SyncSkipped
from schoolsync.services.syncing import sync_with
from schoolsync.wording import reading_word

if TYPE_CHECKING:
    from schoolsync.pipeline import Notify, SnapshotReader

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
        engine: sa.Engine,
        reader: Callable[[], SnapshotReader],
        notify: Notify | None = None,
    ) -> None:
        self._engine = engine
        self._reader = reader
        self._notify = notify
        self._jobs: dict[str, SyncProgress] = {}
        self._lock = threading.Lock()

    def reader(self) -> SnapshotReader:
        """How this app reads a school's MIS (the manual sync wizard reads through it too)."""
        return self._reader()

    def progress(self, school_key: str) -> SyncProgress | None:
        with self._lock:
            return self._jobs.get(school_key)

    def start(self, school_key: str) -> bool:
        """False when this process is already syncing the school."""
        with self._lock:
            current = self._jobs.get(school_key)
            if current is not None and not current.finished:
                return False
            progress = self._jobs[school_key] = SyncProgress()
        thread = threading.Thread(
            target=self._run, args=(school_key, progress), name=f"sync-{school_key}", daemon=True
        )
        thread.start()
        return True

    def _run(self, school_key: str, progress: SyncProgress) -> None:
        try:
            result = sync_with(
                self._engine,
                school_key,
                self._reader(),
                full=False,
                progress=progress.update,
                notify=self._notify,
            )
            progress.status = result.status
            # A failed run says why (a permission to grant, a source that is down): show it.
            progress.error = result.message if result.status == "failed" else None
        except SyncSkipped as exc:
            # Not a failure: the school cannot be synced yet (or any more); say why.
            progress.status, progress.error = "skipped", str(exc)
        except SchoolsyncError as exc:
            # The run (if one started) is recorded as failed by the engine; say why on screen.
            progress.status, progress.error = "failed", str(exc)
        except Exception as exc:
            # The type only: a message or traceback could quote a pupil's record.
            log.error("the sync of %s started from the web app failed: %s", school_key,
                      type(exc).__name__)  # fmt: skip
            progress.status, progress.error = "failed", "An unexpected error has occurred"
        finally:
            progress.finished = True
