"""Running the pipeline for a person: a sync now, a file import, the dry run.

Each returns the engine's own result with what the person is told next to it (the roles a run
left out entirely); the caller decides how to show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from schoolsync.services.sources import file_reader, mis_reader

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.config import Settings
    from schoolsync.engine.change_labels import Directory
    from schoolsync.engine.left_out import RoleLeftOut
    from schoolsync.pipeline import DryRun, Notify, Progress, SnapshotReader, SyncResult
    from schoolsync.store.lock import Holder


@dataclass(frozen=True, slots=True)
class Outcome:
    """One finished run and the roles of which it synced nobody."""

    result: SyncResult
    left_out: list[RoleLeftOut]


@dataclass(frozen=True, slots=True)
class Imported:
    """A file import: the format it was read as (or `unknown`) and its run."""

    format: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Preview:
    """The dry run, with the names its changes are shown by."""

    dry: DryRun
    directory: Directory

    def held(self) -> frozenset[int]:
        """The `id()` of each planned change that would wait for approval."""
        guarded = self.dry.guarded
        if guarded.apply_now.changes == () and guarded.holds:
            return frozenset(id(c) for c in self.dry.plan.changes)  # strict: the whole run
        return frozenset(id(c) for h in guarded.holds for c in h.changes)


def notifier(engine: sa.Engine, settings: Settings) -> Notify | None:
    """Alert emails, when SMTP is configured."""
    if settings.smtp is None:
        return None
    from schoolsync.alerts import SmtpMailer
    from schoolsync.notify import email_notifier

    return email_notifier(engine, SmtpMailer(settings.smtp), base_url=settings.base_url)


def run_sync(
    engine: sa.Engine,
    settings: Settings,
    key: str,
    *,
    full: bool = False,
    progress: Progress | None = None,
    read: SnapshotReader | None = None,
) -> Outcome:
    """One sync of a school from its MIS now, under the autosync rules, with alert emails."""
    from schoolsync.services.photos import photos_after_sync
    from schoolsync.services.sources import photos_reader

    reader = read or mis_reader(settings)
    notify = notifier(engine, settings)
    result = sync_with(engine, key, reader, full=full, progress=progress, notify=notify)
    # Only a sync that read the MIS is followed by its photos (a reader given is not the MIS).
    photos = photos_reader(settings) if read is None else None
    photos_after_sync(engine, key, result.status, photos, dt.datetime.now(dt.UTC))
    return Outcome(result, left_out(engine, key, result))


def sync_with(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    *,
    full: bool = False,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> SyncResult:
    """One sync with the reader and alerts given (a worker that built them once). A school
    whose connection does not let it sync (waiting for approval, declined, revoked, offline)
    raises `SyncSkipped` with the reason: nothing is read, and no failed run is recorded."""
    from schoolsync.pipeline import sync_school
    from schoolsync.services.connections import ensure_can_sync

    ensure_can_sync(engine, key)

    if progress is None:
        return sync_school(engine, key, read, full=full, notify=notify)
    return sync_school(engine, key, read, full=full, progress=progress, notify=notify)


def import_file(
    engine: sa.Engine, settings: Settings, key: str, path: Path, fmt: str | None = None
) -> Imported:
    """Import a CTF, OneRoster package or staff CSV through the same pipeline as a sync."""
    from schoolsync.pipeline import sync_school

    kind, reader = file_reader(path, fmt)
    result = sync_school(
        engine,
        key,
        reader,
        trigger="file",
        file_import=True,
        source=kind,
        notify=notifier(engine, settings),
    )
    return Imported(kind, Outcome(result, left_out(engine, key, result)))


def dry_run(
    engine: sa.Engine,
    settings: Settings,
    key: str,
    *,
    full: bool = False,
    read: SnapshotReader | None = None,
) -> Preview:
    """What a sync would change now, and what it would hold. Writes nothing."""
    from schoolsync.engine.change_labels import with_snapshot
    from schoolsync.pipeline import plan_school
    from schoolsync.services.connections import ensure_can_sync
    from schoolsync.store import schools as school_store
    from schoolsync.store.directory import load_directory

    ensure_can_sync(engine, key)
    dry = plan_school(engine, key, read or mis_reader(settings), full=full)
    with engine.connect() as conn:
        record = school_store.get_school(conn, key)
        directory = with_snapshot(load_directory(conn, record.id), dry.snapshot)
    return Preview(dry, directory)


def left_out(engine: sa.Engine, key: str, result: SyncResult) -> list[RoleLeftOut]:
    """The roles of which this run left everybody out (nobody of them is synced)."""
    from schoolsync.engine.left_out import roles_left_out
    from schoolsync.store.schools import summary

    if not result.issues:
        return []
    with engine.connect() as conn:
        return roles_left_out(result.issues, summary(conn, key))


def unlock(engine: sa.Engine, key: str, now: dt.datetime, *, force: bool = False) -> Holder | None:
    """Free a school that a sync still holds; its run is recorded as interrupted. None when the
    school was not locked."""
    from schoolsync.store import schools as school_store
    from schoolsync.store.lock import unlock as free

    with engine.begin() as conn:
        return free(conn, school_store.get_school(conn, key), now, force=force)
