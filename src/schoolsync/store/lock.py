"""The per-school lock: one school's syncs never overlap, and a lock whose run has died is
taken over within minutes, not hours.

A run holds the lock on a *lease*: its heartbeat renews `lock_renewed_at` every
`HEARTBEAT_EVERY`, so a lock not renewed for `LEASE` belongs to a process that is gone (killed,
crashed, its machine lost), wherever it ran. On the same machine we can tell at once: the owner
is recorded as `host:pid`, and a pid that no longer exists frees the lock immediately.

Taking over a dead run's lock also ends that run in the history as interrupted; it applied
nothing, because a run applies its plan in one transaction or not at all.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

import sqlalchemy as sa

from schoolsync.errors import ConfigError, SyncInProgress
from schoolsync.model import run_status
from schoolsync.store.schools import School, as_utc
from schoolsync.store.tables import schools, sync_runs

log = logging.getLogger(__name__)

#: A lock not renewed for this long belongs to a run that is gone.
LEASE = dt.timedelta(minutes=2)
#: How often a running sync renews its lease (seconds); several renewals fit in one lease.
HEARTBEAT_EVERY = 20.0

ABANDONED = "This run stopped without finishing (its process ended); nothing it read was applied"
UNLOCKED = "Stopped by `schoolsync unlock`; nothing it read was applied"

PidAlive = Callable[[int], bool]


@dataclass(frozen=True, slots=True)
class Holder:
    run_id: int
    taken_at: dt.datetime
    renewed_at: dt.datetime
    #: `host:pid` of the process that took it (None for a lock taken before owners were kept)
    owner: str | None

    def describe(self) -> str:
        where = f" by {self.owner}" if self.owner else ""
        return f"run {self.run_id}, started {self.taken_at:%Y-%m-%d %H:%M} UTC{where}"


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def is_abandoned(
    holder: Holder, now: dt.datetime, *, lease: dt.timedelta = LEASE, alive: PidAlive = pid_alive
) -> bool:
    """Whether the run holding a lock is gone: its lease ran out, or it ran on this machine
    and its process no longer exists. Pure, apart from asking `alive`."""
    if holder.renewed_at < now - lease:
        return True
    if holder.owner is None:
        return False
    host, _, pid = holder.owner.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not alive(int(pid))


def lock_holder(conn: sa.Connection, school_id: int) -> Holder | None:
    row = conn.execute(
        sa.select(
            schools.c.lock_run_id,
            schools.c.lock_taken_at,
            schools.c.lock_renewed_at,
            schools.c.lock_owner,
        ).where(schools.c.id == school_id)
    ).one()
    if row.lock_run_id is None:
        return None
    taken = as_utc(row.lock_taken_at) or dt.datetime.min.replace(tzinfo=dt.UTC)
    return Holder(row.lock_run_id, taken, as_utc(row.lock_renewed_at) or taken, row.lock_owner)


def take_lock(
    conn: sa.Connection,
    school: School,
    run_id: int,
    now: dt.datetime,
    *,
    owner: str | None = None,
    alive: PidAlive = pid_alive,
) -> None:
    """Claim the school for this run, taking over from a run that is gone, or raise
    SyncInProgress. The caller's transaction should also hold the new run's row, so that a
    refused attempt leaves no trace."""
    holder = lock_holder(conn, school.id)
    if holder is not None and not is_abandoned(holder, now, alive=alive):
        raise SyncInProgress(
            f"School {school.key} is already being synced ({holder.describe()}); try again "
            f"when it ends. If no sync is running, `schoolsync unlock {school.key}` frees it."
        )
    # Conditional on the holder we saw: of two runs taking over at once, one wins.
    expected = (
        schools.c.lock_run_id.is_(None)
        if holder is None
        else schools.c.lock_run_id == holder.run_id
    )
    claimed = conn.execute(
        sa.update(schools)
        .where(schools.c.id == school.id, expected)
        .values(
            lock_run_id=run_id,
            lock_taken_at=now,
            lock_renewed_at=now,
            lock_owner=owner or this_process(),
        )
    ).rowcount
    if claimed != 1:
        raise SyncInProgress(f"School {school.key} is already being synced; try again when it ends")
    if holder is not None:
        log.warning(
            "school %s: run %d took over the lock of run %d", school.key, run_id, holder.run_id
        )
        end_interrupted(conn, holder.run_id, now, ABANDONED)


def renew_lock(conn: sa.Connection, school_id: int, run_id: int, now: dt.datetime) -> bool:
    """Renew the lease; False when this run no longer holds the lock."""
    renewed = conn.execute(
        sa.update(schools)
        .where(schools.c.id == school_id, schools.c.lock_run_id == run_id)
        .values(lock_renewed_at=now)
    ).rowcount
    return renewed == 1


def release_lock(conn: sa.Connection, school_id: int, run_id: int) -> None:
    conn.execute(
        sa.update(schools)
        .where(schools.c.id == school_id, schools.c.lock_run_id == run_id)
        .values(lock_run_id=None, lock_taken_at=None, lock_renewed_at=None, lock_owner=None)
    )


def end_interrupted(conn: sa.Connection, run_id: int, now: dt.datetime, message: str) -> None:
    """End a run that is still running as interrupted (a run that finished keeps its status)."""
    conn.execute(
        sa.update(sync_runs)
        .where(sync_runs.c.id == run_id, sync_runs.c.status == run_status.RUNNING)
        .values(status=run_status.INTERRUPTED, finished_at=now, message=message)
    )


def unlock(
    conn: sa.Connection,
    school: School,
    now: dt.datetime,
    *,
    force: bool = False,
    alive: PidAlive = pid_alive,
) -> Holder | None:
    """Free a school's lock by hand; the run that held it ends as interrupted. A lock whose
    run still looks alive is only freed with `force`: freeing it would let two runs overlap."""
    holder = lock_holder(conn, school.id)
    if holder is None:
        return None
    if not force and not is_abandoned(holder, now, alive=alive):
        seconds = int((now - holder.renewed_at).total_seconds())
        raise ConfigError(
            f"School {school.key} is held by {holder.describe()}, which renewed its lock "
            f"{seconds} s ago and looks alive. Stop that sync, or pass --force if you know it is "
            "gone."
        )
    release_lock(conn, school.id, holder.run_id)
    end_interrupted(conn, holder.run_id, now, UNLOCKED)
    return holder


class Heartbeat:
    """Renews a run's lease from a background thread while the run reads and applies."""

    def __init__(
        self,
        engine: sa.Engine,
        school_id: int,
        run_id: int,
        now: Callable[[], dt.datetime],
        every: float = HEARTBEAT_EVERY,
    ) -> None:
        self._engine, self._school_id, self._run_id = engine, school_id, run_id
        self._now, self._every = now, every
        self._stop = threading.Event()

    def __enter__(self) -> Heartbeat:
        # Started in a copy of the caller's context: its log records carry the run's fields.
        self._thread = threading.Thread(
            target=contextvars.copy_context().run,
            args=(self._beat,),
            name=f"heartbeat-run-{self._run_id}",
            daemon=True,
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=self._every + 5)

    def _beat(self) -> None:
        while not self._stop.wait(self._every):
            try:
                with self._engine.begin() as conn:
                    held = renew_lock(conn, self._school_id, self._run_id, self._now())
            except Exception as exc:  # a missed beat is retried; the lease has room for it
                log.warning(
                    "run %d: could not renew its lock (%s)", self._run_id, type(exc).__name__
                )
                continue
            if not held:
                log.warning("run %d no longer holds its school's lock", self._run_id)
                return
