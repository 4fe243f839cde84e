"""The write-back sender as a periodic job: a thread that calls `send_due` every few seconds
inside `schoolsync serve` (and beside the workers), so a mark recorded at reception is in the
MIS within a minute while the MIS is online. Several senders (serve, workers) may run at once:
the outbox's claims keep them off each other's marks.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.errors import SchoolsyncError
from schoolsync.notify import Mailer
from schoolsync.services.writeback_sender import send_due

log = logging.getLogger(__name__)

#: Seconds between passes: a confirmation is asked for two seconds after the write-back.
EVERY_SECONDS = 2.0


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class WritebackSender:
    def __init__(
        self,
        engine: sa.Engine,
        settings: Settings,
        *,
        mailer: Mailer | None = None,
        every_seconds: float = EVERY_SECONDS,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self._engine, self._settings, self._mailer = engine, settings, mailer
        self._every, self._clock = every_seconds, clock
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="writeback-sender", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                report = send_due(
                    self._engine, self._settings, now=self._clock, mailer=self._mailer
                )
                if report.sent or report.confirmed or report.failed:
                    log.info(
                        "write-back: %d sent, %d confirmed, %d failed, %d to retry",
                        report.sent, report.confirmed, report.failed, report.retrying,
                    )  # fmt: skip
            except (SchoolsyncError, sa.exc.SQLAlchemyError, OSError) as exc:
                # The store or the mail server is down: the outbox keeps everything for later.
                log.warning("write-back pass failed: %s", type(exc).__name__)
            self._stopping.wait(self._every)
