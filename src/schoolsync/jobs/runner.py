"""The embedded runner of `schoolsync serve`: a scheduler loop and a small pool of worker
threads in the serving process, on the same queue (`sync_jobs`) and job code as the Celery
workers. Nothing else to install: the queue is a table, and a thread waiting for work is woken
when a person asks for a sync.

Every tick the loop frees the locks of runs whose process died and queues what is due; the
workers take queued jobs, manual and expedited first.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from schoolsync.jobs.run import BUSY_RETRY, JobOutcome, claim_job, request_job, run_claimed
from schoolsync.logs import log_context
from schoolsync.pipeline import Notify, Progress, SnapshotReader
from schoolsync.store import queue

if TYPE_CHECKING:
    from schoolsync.sources.wonde.photos import PhotosReader

log = logging.getLogger(__name__)

#: Called when a job a caller submitted ends: its outcome, or the error that ended it.
Done = Callable[[JobOutcome | None, BaseException | None], None]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class _Hooks:
    progress: Progress | None
    done: Done | None


class EmbeddedRunner:
    def __init__(
        self,
        engine: sa.Engine,
        reader: Callable[[], SnapshotReader],
        notify: Notify | None = None,
        *,
        workers: int = 2,
        schedule: bool = True,
        every_seconds: float = 30.0,
        busy_retry: dt.timedelta = BUSY_RETRY,
        clock: Callable[[], dt.datetime] = _utcnow,
        photos: PhotosReader | None = None,
    ) -> None:
        """`photos`: how the school's photos are read after its sync (None: they are not)."""
        self._engine, self._reader, self._notify = engine, reader, notify
        self._photos = photos
        self._workers, self._schedule, self._every = max(1, workers), schedule, every_seconds
        self._clock, self._busy_retry = clock, busy_retry
        self._wake = threading.Condition()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._hooks: dict[int, _Hooks] = {}
        self._started = False
        self._start_lock = threading.Lock()
        self._take_lock = threading.Lock()
        #: worker threads alive, and jobs submitted here that no worker has taken yet: without a
        #: schedule, workers start on demand and end when there is nothing left to do
        self._alive = 0
        self._wanted = 0
        #: the jobs a worker thread of this runner is running now, by job id: the school's key
        self._running: dict[int, str] = {}

    def start(self) -> None:
        """Start the scheduler and the workers (without a schedule, workers start on demand)."""
        with self._start_lock:
            if self._started:
                return
            self._started = True
            if self._schedule:
                self._spawn(self._schedule_loop, "scheduler")
                for _ in range(self._workers):
                    self._spawn_worker()

    def _spawn_worker(self) -> None:
        """Under `_start_lock`."""
        self._alive += 1
        self._spawn(self._work_loop, f"sync-worker-{self._alive}")

    def stop(self, timeout: float | None = 10.0) -> None:
        """Stop taking jobs; a sync running now is left to finish within `timeout` (None: as
        long as it takes; Ctrl-C still interrupts the wait)."""
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(timeout)

    def running(self) -> int:
        """How many syncs this runner's threads are running now."""
        with self._start_lock:
            return len(self._running)

    def interrupt_running(self) -> int:
        """End the runs of the syncs under way as interrupted, free their schools and queue their
        jobs again, for a process that stops without waiting for them; how many there were."""
        from schoolsync.pipeline import INTERRUPTED
        from schoolsync.store.lock import end_interrupted, lock_holder, release_lock, this_process
        from schoolsync.store.schools import get_school

        with self._start_lock:
            running = dict(self._running)
        now = self._clock()
        for job_id, key in running.items():
            with self._engine.begin() as conn:
                school = get_school(conn, key)
                holder = lock_holder(conn, school.id)
                if holder is not None and holder.owner == this_process():  # not another's run
                    end_interrupted(conn, holder.run_id, now, INTERRUPTED)
                    release_lock(conn, school.id, holder.run_id)
                queue.requeue(conn, job_id, now, "Its worker stopped; queued again")
        return len(running)

    def submit(
        self,
        school_key: str,
        trigger: str = "manual",
        *,
        full: bool = False,
        progress: Progress | None = None,
        done: Done | None = None,
    ) -> int:
        """Queue a sync a person asked for (it jumps the queue) and wake a worker."""
        self.start()
        with self._take_lock:  # no worker takes the job before its hooks are in place
            job_id = request_job(self._engine, school_key, trigger, self._clock(), full=full)
            self._hooks[job_id] = _Hooks(progress, done)
        with self._start_lock:
            self._wanted += 1
            if self._alive < self._workers:
                self._spawn_worker()
        with self._wake:
            self._wake.notify()
        return job_id

    def tick(self) -> list[int]:
        """One look by the scheduler: recover dead runs, queue what is due; the jobs queued."""
        from schoolsync.jobs.planner import plan_due
        from schoolsync.jobs.recovery import recover

        now = self._clock()
        requeued = recover(self._engine, now)
        queued = plan_due(self._engine, now)
        if queued or requeued:
            with self._wake:
                self._wake.notify_all()
        return queued + requeued

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _schedule_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self.tick()
            except Exception as exc:  # the next tick tries again; the store may be back
                log.error("the scheduler's tick failed: %s", type(exc).__name__)
            self._stopping.wait(self._every)

    def _work_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                ran = self._run_next()
            except Exception as exc:
                log.error("a sync worker's job failed: %s", type(exc).__name__)
                ran = False
            if ran:
                continue
            if not self._schedule:
                with self._start_lock:
                    if self._wanted <= 0:  # nothing asked for: end until the next request
                        self._alive -= 1
                        return
            with self._wake:
                self._wake.wait(timeout=min(self._every, 5.0))

    def _run_next(self) -> bool:
        """Run the next queued job, if there is one; whether there was."""
        with self._take_lock:  # the threads of this process take jobs one at a time
            with self._engine.connect() as conn:
                job = queue.next_queued(conn, self._clock())
            if job is None:
                return False
            claimed = claim_job(self._engine, job.id, self._clock())
            hooks = self._hooks.pop(job.id, None)
            if hooks is not None:
                with self._start_lock:
                    self._wanted -= 1
            else:
                hooks = _Hooks(None, None)
        outcome: JobOutcome | None = claimed if isinstance(claimed, JobOutcome) else None
        error: BaseException | None = None
        try:
            if not isinstance(claimed, JobOutcome):
                with self._start_lock:
                    self._running[claimed.id] = claimed.school_key
                with log_context(job_id=claimed.id):
                    outcome = run_claimed(
                        self._engine,
                        claimed,
                        read=self._reader(),
                        notify=self._notify,
                        progress=hooks.progress,
                        now=self._clock,
                        busy_retry=self._busy_retry,
                        photos=self._photos,
                    )
        except Exception as exc:
            error = exc
            raise
        finally:
            if not isinstance(claimed, JobOutcome):
                with self._start_lock:
                    self._running.pop(claimed.id, None)
            if hooks.done is not None:
                hooks.done(outcome, error)
        return True
