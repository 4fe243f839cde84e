"""A person asking for a sync now, ahead of the scheduled ones: an expedited job in the queue,
which `schoolsync serve` (its embedded runner) or a worker takes first. Asking again while one
is still queued gives that one back rather than a second."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.store.queue import Job

#: The trigger of a sync a person queued (the queue runs these before manual and scheduled).
EXPEDITED = "expedited"


@dataclass(frozen=True, slots=True)
class QueuedSync:
    job: Job
    #: True when the school's expedited sync was queued already (nothing new was queued)
    already_queued: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "job_id": self.job.id,
            "school": self.job.school_key,
            "trigger": self.job.trigger,
            "state": self.job.state,
            "full": self.job.full,
            "due_at": self.job.due_at.isoformat(),
            "already_queued": self.already_queued,
        }


def queue_sync(engine: sa.Engine, key: str, now: dt.datetime, *, full: bool = False) -> QueuedSync:
    """Queue an expedited sync of the school. Raises `SyncSkipped` with the reason (and queues
    nothing) when its connection does not let it sync; `NotFound` for an unknown key."""
    from schoolsync.services.connections import ensure_can_sync
    from schoolsync.store import queue
    from schoolsync.store.schools import get_school

    ensure_can_sync(engine, key)
    with engine.begin() as conn:
        school_id = get_school(conn, key).id
        job, added = queue.request_once(conn, school_id, EXPEDITED, now, full=full)
    return QueuedSync(job, already_queued=not added)
