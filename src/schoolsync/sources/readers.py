"""Which reader serves a school: the wiring between a stored connection and a source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from schoolsync.config import Settings
from schoolsync.errors import ConfigError, FileFormatError
from schoolsync.model import Snapshot
from schoolsync.pipeline import Progress, SnapshotReader
from schoolsync.sources.http import JsonHttp
from schoolsync.sources.wonde import (
    DEFAULT_BASE_URL,
    WondeClient,
    base_url_for,
    fetch_snapshot,
    make_http_client,
)
from schoolsync.store.schools import School


def wonde_reader(settings: Settings) -> SnapshotReader:
    def read(school: School, since: dt.datetime | None, progress: Progress) -> Snapshot:
        token = school.token(settings.secret_key)
        if not school.wonde_school_id or not token:
            raise ConfigError(
                f"School {school.key} has no Wonde connection; import files for it instead "
                "(`schoolsync import`)"
            )
        with make_http_client(token, settings.wonde_timeout_seconds) as client:
            http = JsonHttp(
                client,
                max_attempts=settings.wonde_max_attempts,
                max_backoff_seconds=settings.wonde_max_backoff_seconds,
            )
            base_url = school.api_base_url
            if not base_url:
                # The regional domain comes from the school itself.
                probe = WondeClient(http, DEFAULT_BASE_URL, school.wonde_school_id)
                base_url = base_url_for(probe.school())
            wonde = WondeClient(http, base_url, school.wonde_school_id)
            return fetch_snapshot(
                wonde,
                updated_after=since,
                progress=progress,
                with_staff=school.settings.import_staff,
            )

    return read


def import_reader(path: Path, fmt: str | None) -> tuple[str, SnapshotReader]:
    """The detected format and a reader for `sync_school(..., file_import=True)`. Each file
    source says itself which person fields it speaks for (`Snapshot.person_fields`)."""
    from schoolsync.sources.files import detect_format, file_reader

    if fmt is not None:
        return fmt, file_reader(path, fmt)
    try:
        kind = detect_format(path)
    except FileFormatError as exc:
        # Read inside the run, so the attempt is in the school's history with its reason.
        return UNDETECTED, _refuse(exc)
    return kind, file_reader(path, kind)


#: The source recorded for an import whose format could not be told from the file.
UNDETECTED = "unknown"


def _refuse(error: FileFormatError) -> SnapshotReader:
    def read(_school: School, _since: dt.datetime | None, _progress: Progress) -> Snapshot:
        raise error

    return read
