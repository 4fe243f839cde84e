"""The write-back sender inside `schoolsync worker`: a WritebackSender thread in the worker's
main process, started when Celery says the worker is ready and stopped when it shuts down.

Safe with the prefork pool: the thread has an engine of its own (never the cached one the
tasks use), and a pool process forked later (a replacement for a dead one) drops that engine's
inherited connections without closing them, so no database connection is ever shared across a
fork. Several senders at once are safe: a claim takes a mark only if no other sender changed it
since it was read.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.config import Settings
    from schoolsync.jobs.writeback_sender import WritebackSender


class WorkerWritebacks:
    """Celery signal handlers owning one sender for this worker process."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._sender: WritebackSender | None = None
        self._engine: sa.Engine | None = None

    def attach(self) -> None:
        from celery import signals

        # weak=False: the signals would otherwise forget bound methods of a local object.
        signals.worker_ready.connect(self.on_ready, weak=False)
        signals.worker_shutdown.connect(self.on_shutdown, weak=False)

    def on_ready(self, **_: Any) -> None:
        from schoolsync.jobs.writeback_sender import WritebackSender
        from schoolsync.services.writeback_sender import mailer_for
        from schoolsync.store.database import make_engine

        if self._sender is not None:
            return
        engine = self._engine = make_engine(self._settings.database_url)
        # A pool process forked after this point must not use (or close) these connections.
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
        self._sender = WritebackSender(engine, self._settings, mailer=mailer_for(self._settings))
        self._sender.start()

    def on_shutdown(self, **_: Any) -> None:
        sender, self._sender = self._sender, None
        if sender is not None and self._engine is not None:
            sender.stop()
            self._engine.dispose()
