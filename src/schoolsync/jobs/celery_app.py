"""The Celery app of `schoolsync worker` and `schoolsync scheduler`: the same job code as the
embedded runner, on a real broker (RabbitMQ or Redis) and PostgreSQL.

The queue is the `sync_jobs` table; a message only carries a job id (never a person's
data) to a worker. Acknowledged late and rejected when
its worker is lost, so a worker killed mid-run has its message delivered again; claiming the
job in the database (`run_job`) makes that, and any other redelivery, harmless. A person's
sync goes to the urgent queue, which workers take before the scheduled one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlalchemy as sa
    from celery import Celery

    from schoolsync.config import Settings
    from schoolsync.jobs.run import JobOutcome

log = logging.getLogger(__name__)

TASK = "schoolsync.sync_job"


def queues(settings: Settings) -> tuple[str, str]:
    """(urgent, scheduled): workers list the urgent queue first."""
    return f"{settings.queue_name}.urgent", f"{settings.queue_name}.scheduled"


def make_celery(settings: Settings) -> Celery:
    from celery import Celery

    if not settings.broker_url:
        from schoolsync.errors import ConfigError

        raise ConfigError(
            "SCHOOLSYNC_BROKER_URL is not set: point it at RabbitMQ (amqp://...) or Redis "
            "(redis://...), or run `schoolsync serve`, which needs no broker"
        )
    app = Celery("schoolsync", broker=settings.broker_url, set_as_current=False)
    scheduled = queues(settings)[1]
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=scheduled,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # Redis gives an unacknowledged message again after this long (RabbitMQ at once, when
        # the worker's connection drops); the scheduler's recovery sweep is quicker still.
        broker_transport_options={"visibility_timeout": 3600},
    )

    @app.task(name=TASK, bind=True)  # type: ignore[untyped-decorator]
    def sync_job(task: Any, job_id: int) -> str:
        # A busy school's job goes back to the queue table; the scheduler sends it when due.
        return _run(settings, job_id).what

    return app


def _run(settings: Settings, job_id: int) -> JobOutcome:
    from schoolsync.jobs.pace import paced_photos_reader, paced_reader
    from schoolsync.jobs.run import run_job
    from schoolsync.services.store import engine_for
    from schoolsync.services.syncing import notifier

    engine = engine_for(settings)
    return run_job(
        engine,
        job_id,
        read=paced_reader(settings),
        notify=notifier(engine, settings),
        busy_retry=dt.timedelta(seconds=settings.busy_retry_seconds),
        photos=paced_photos_reader(settings),
    )


def send_jobs(app: Celery, settings: Settings, jobs: Iterable[tuple[int, str]]) -> int:
    """Send (job id, trigger) pairs to the workers; how many were sent."""
    urgent, scheduled = queues(settings)
    sent = 0
    with app.producer_or_acquire() as producer:
        for job_id, trigger in jobs:
            queue = urgent if trigger in ("manual", "expedited") else scheduled
            app.send_task(TASK, args=[job_id], queue=queue, producer=producer)
            sent += 1
    return sent


def enqueue_due(
    app: Celery, settings: Settings, engine: sa.Engine, now: dt.datetime, *, every: bool = False
) -> int:
    """One pass of `schoolsync scheduler`: recover dead runs, queue what is due (or, with
    `every`, every school's night now), and send the workers every due job the broker has not
    carried yet (new ones, ones queued again after a dead worker or a busy school, ones a
    broker outage kept back); how many were sent. The table is the queue; the broker only
    carries it."""
    from schoolsync.jobs.planner import plan_all, plan_due
    from schoolsync.jobs.recovery import recover
    from schoolsync.store import queue

    recover(engine, now)
    if every:
        plan_all(engine, now)
    else:
        plan_due(engine, now)
    with engine.connect() as conn:
        jobs = queue.due_unsent(conn, now)
    sent = send_jobs(app, settings, [(job.id, job.trigger) for job in jobs])
    with engine.begin() as conn:
        queue.mark_sent(conn, [job.id for job in jobs], now)
    return sent
