"""Runs and jobs whose process died (kill -9, a lost machine, a worker killed mid-run) are found
by their lease and put right without anyone's help: the run ends as interrupted, the school's
lock is freed, and the job goes back to the queue for another worker.

`recover` is the sweep the embedded runner and `schoolsync scheduler` make every tick.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket

import sqlalchemy as sa

from schoolsync.store import queue
from schoolsync.store.lock import (
    ABANDONED,
    LEASE,
    PidAlive,
    end_interrupted,
    is_abandoned,
    lock_holder,
    pid_alive,
    release_lock,
)
from schoolsync.store.tables import schools

log = logging.getLogger(__name__)


def worker_gone(
    job: queue.Job, holds_lock: bool, now: dt.datetime, alive: PidAlive = pid_alive
) -> bool:
    """Whether a running job's worker is gone: on this machine its process is not there; on
    any machine, its school is not locked (a live job's run holds the lock and renews it)
    a lease after it was claimed."""
    if job.state != queue.RUNNING:
        return False
    if job.worker:
        host, _, pid = job.worker.rpartition(":")
        if host == socket.gethostname() and pid.isdigit() and not alive(int(pid)):
            return True
    started = job.started_at or job.due_at
    return not holds_lock and started < now - LEASE


def claimable(conn: sa.Connection, job: queue.Job, now: dt.datetime) -> bool:
    """A job may be claimed when it is queued, or running under a worker that is gone."""
    if job.state == queue.QUEUED:
        return True
    if job.state != queue.RUNNING:
        return False
    holder = lock_holder(conn, job.school_id)
    holds = holder is not None and not is_abandoned(holder, now)
    return worker_gone(job, holds, now)


def recover(engine: sa.Engine, now: dt.datetime, alive: PidAlive = pid_alive) -> list[int]:
    """Free the locks of dead runs (ending them as interrupted) and queue again the jobs whose
    worker died; returns the ids of the jobs queued again."""
    with engine.begin() as conn:
        locked = conn.execute(
            sa.select(schools.c.id, schools.c.key).where(schools.c.lock_run_id.is_not(None))
        ).all()
        for school_id, key in locked:
            holder = lock_holder(conn, school_id)
            if holder is not None and is_abandoned(holder, now, alive=alive):
                release_lock(conn, school_id, holder.run_id)
                end_interrupted(conn, holder.run_id, now, ABANDONED)
                log.warning("school %s: run %d had stopped; freed", key, holder.run_id)
    requeued = []
    with engine.begin() as conn:
        for job in queue.jobs_in(conn, (queue.RUNNING,)):
            holder = lock_holder(conn, job.school_id)
            if worker_gone(job, holder is not None, now, alive):
                queue.requeue(conn, job.id, now, f"Its worker ({job.worker}) stopped; queued again")
                requeued.append(job.id)
                log.warning("job %d of school %s: its worker stopped; queued again", job.id,
                            job.school_key)  # fmt: skip
    return requeued
