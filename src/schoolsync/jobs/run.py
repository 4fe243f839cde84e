"""One sync job: claim it (a job already claimed or done does nothing), run the pipeline with
the shared pace on the school's requests, and record what became of it.

A school that another sync holds is not a failed run: the job goes back to the queue for a
minute later. A source that asked us to wait (429 with a long Retry-After) ends its run as
failed, as a person's sync would, and a retry is queued for the moment it named.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schoolsync.errors import SyncInProgress
from schoolsync.logs import log_context
from schoolsync.store import queue
from schoolsync.store.lock import this_process

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.config import Settings
    from schoolsync.pipeline import Notify, Progress, SnapshotReader
    from schoolsync.sources.wonde.photos import PhotosReader

log = logging.getLogger(__name__)

#: How long a scheduled job waits when its school is busy with another sync (the default of
#: `Settings.busy_retry_seconds`).
BUSY_RETRY = dt.timedelta(minutes=1)
#: After this many claims (workers that died under it) a job is given up.
MAX_ATTEMPTS = 3


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class JobOutcome:
    #: ran (see `status`), busy (queued again), skipped (claimed or done elsewhere), gave_up
    what: str
    job_id: int | None
    run_id: int | None = None
    status: str | None = None
    #: when the job may run again (busy, or the source asked us to wait)
    retry_at: dt.datetime | None = None
    #: what a person is told when it did not run (the school is busy)
    message: str | None = None


def run_sync_job(
    settings: Settings,
    school_key: str,
    trigger: str = "scheduled",
    *,
    job_id: int | None = None,
    engine: sa.Engine | None = None,
    read: SnapshotReader | None = None,
    progress: Progress | None = None,
    full: bool = False,
    now: Callable[[], dt.datetime] = _utcnow,
    photos: PhotosReader | None = None,
) -> JobOutcome:
    """Run one sync of `school_key` (queued now as a job of `trigger`), or, with `job_id`, the
    job queued already: only if it can be claimed, so a broker's redelivery of a job that is
    done, or running under a live worker, does nothing. Photos follow a sync that read the
    MIS: with `read` given (not the MIS), only the `photos` given."""
    from schoolsync.jobs.pace import paced_photos_reader, paced_reader
    from schoolsync.services.store import engine_for
    from schoolsync.services.syncing import notifier

    engine = engine or engine_for(settings)
    if job_id is None:
        job_id = request_job(engine, school_key, trigger, now(), full=full)
    if photos is None and read is None:
        photos = paced_photos_reader(settings)
    return run_job(
        engine,
        job_id,
        read=read or paced_reader(settings),
        notify=notifier(engine, settings),
        progress=progress,
        now=now,
        busy_retry=dt.timedelta(seconds=settings.busy_retry_seconds),
        photos=photos,
    )


def request_job(
    engine: sa.Engine, school_key: str, trigger: str, now: dt.datetime, *, full: bool = False
) -> int:
    """Queue a sync a person (or a script) asked for: it goes before the scheduled ones."""
    from schoolsync.store.schools import get_school

    with engine.begin() as conn:
        school_id = get_school(conn, school_key).id
        return queue.request_job(conn, school_id, trigger, now, full=full)


def run_job(
    engine: sa.Engine,
    job_id: int,
    *,
    read: SnapshotReader,
    notify: Notify | None = None,
    progress: Progress | None = None,
    now: Callable[[], dt.datetime] = _utcnow,
    busy_retry: dt.timedelta = BUSY_RETRY,
    photos: PhotosReader | None = None,
) -> JobOutcome:
    """Claim the queued job `job_id` and run it (the core every runner calls)."""
    with log_context(job_id=job_id):
        claimed = claim_job(engine, job_id, now())
        if isinstance(claimed, JobOutcome):
            return claimed
        return run_claimed(
            engine, claimed, read=read, notify=notify, progress=progress, now=now,
            busy_retry=busy_retry, photos=photos,
        )  # fmt: skip


def claim_job(engine: sa.Engine, job_id: int, now: dt.datetime) -> queue.Job | JobOutcome:
    """The job, claimed for this process; or why it is not to be run here."""
    from schoolsync.jobs.recovery import claimable

    with engine.begin() as conn:
        job = queue.get_job(conn, job_id)
        if job is None or not claimable(conn, job, now):
            return JobOutcome("skipped", job_id)
        if job.attempts >= MAX_ATTEMPTS:
            reason = f"Given up after {job.attempts} workers stopped under it"
            queue.finish(conn, job.id, now, run_id=job.run_id, reason=reason)
            return JobOutcome("gave_up", job_id)
        if not queue.claim(conn, job, this_process(), now):
            return JobOutcome("skipped", job_id)
    return job


def run_claimed(
    engine: sa.Engine,
    job: queue.Job,
    *,
    read: SnapshotReader,
    notify: Notify | None,
    progress: Progress | None,
    now: Callable[[], dt.datetime],
    busy_retry: dt.timedelta = BUSY_RETRY,
    photos: PhotosReader | None = None,
) -> JobOutcome:
    """Run a job this process claimed, and record what became of it; then the school's
    photos, when due (`photos`: how they are read from the MIS; None, not read)."""
    from schoolsync.pipeline import sync_school
    from schoolsync.services.photos import photos_after_sync

    skipped = _cannot_sync(engine, job, now())
    if skipped is not None:
        return skipped
    trigger = job.trigger if job.trigger in ("manual", "expedited") else "scheduled"
    options = {"progress": progress} if progress is not None else {}
    try:
        result = sync_school(
            engine,
            job.school_key,
            read,
            trigger=trigger,  # type: ignore[arg-type]
            full=job.full,
            now=now,
            notify=notify,
            **options,  # type: ignore[arg-type]
        )
    except SyncInProgress as exc:
        return _busy(engine, job, str(exc), now(), busy_retry)
    except BaseException:
        # The pipeline ended its run as interrupted; the job runs again at the next chance.
        with engine.begin() as conn:
            queue.requeue(conn, job.id, now(), "Its worker stopped; queued again")
        raise
    with engine.begin() as conn:
        queue.finish(conn, job.id, now(), run_id=result.run_id, reason=result.status)
        if result.retry_at is not None:
            retry = queue.NewJob(job.school_id, f"retry:{result.run_id}", result.retry_at)
            queue.add_jobs(conn, [retry], now())
    log.info("job %d: run %d of school %s: %s", job.id, result.run_id, job.school_key,
             result.status)  # fmt: skip
    # After the job is finished: a slow or failing photo read never holds up or fails it.
    photos_after_sync(engine, job.school_key, result.status, photos, now())
    return JobOutcome(
        "ran", job.id, result.run_id, result.status, result.retry_at, message=result.message
    )


def _cannot_sync(engine: sa.Engine, job: queue.Job, now: dt.datetime) -> JobOutcome | None:
    """A school whose Wonde connection does not let it sync (waiting for approval, declined,
    revoked, offline) is skipped with the reason: not a failed run, and no email."""
    from schoolsync.errors import SyncSkipped
    from schoolsync.services.connections import ensure_can_sync

    try:
        ensure_can_sync(engine, job.school_key)
    except SyncSkipped as exc:
        with engine.begin() as conn:
            queue.finish(conn, job.id, now, run_id=None, reason=str(exc), state=queue.SKIPPED)
        log.info("job %d: school %s cannot sync now", job.id, job.school_key)
        return JobOutcome("skipped", job.id, message=str(exc))
    return None


def _busy(
    engine: sa.Engine, job: queue.Job, message: str, now: dt.datetime, wait: dt.timedelta
) -> JobOutcome:
    """Another sync holds the school: not a failed run, and no email. A scheduled job waits
    its turn; a person's request ends, saying so (they can start it again)."""
    with engine.begin() as conn:
        if job.trigger == "scheduled":
            queue.requeue(conn, job.id, now + wait, "Another sync of this school was running")
        else:
            queue.finish(conn, job.id, now, run_id=None, reason=message, state=queue.SKIPPED)
    log.info("job %d: school %s is busy", job.id, job.school_key)
    retry_at = now + wait if job.trigger == "scheduled" else None
    return JobOutcome("busy", job.id, retry_at=retry_at, message=message)
