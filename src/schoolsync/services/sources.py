"""Which reader serves a school or a file: the one place the services wire a source.

The CLI, the web app and the workers never build a reader themselves; when the sources become a
registry (`sources/registry.py`), only this module changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from schoolsync.errors import ConfigError, FileFormatError

if TYPE_CHECKING:
    import datetime as dt

    import httpx

    from schoolsync.config import Settings
    from schoolsync.model import Snapshot
    from schoolsync.services.permissions import PermissionsReader
    from schoolsync.sources.base import Progress, SchoolConnection, SnapshotReader
    from schoolsync.sources.wonde.photos import PhotosReader

#: The source recorded for an import whose format could not be told from the file.
UNDETECTED = "unknown"


def mis_reader(settings: Settings, transport: httpx.BaseTransport | None = None) -> SnapshotReader:
    """Reads a school from its own source, found by the registry from its source kind;
    `transport` carries its requests (the workers' shared pace, `jobs/pace.py`)."""
    from schoolsync.sources.registry import school_reader

    return school_reader(settings, transport)


def mis_readers(settings: Settings) -> Callable[[], SnapshotReader]:
    """A factory of MIS readers, for the web app's background syncs."""
    return lambda: mis_reader(settings)


def file_reader(path: Path, fmt: str | None) -> tuple[str, SnapshotReader]:
    """The file's format (given, in any spelling, or detected) and a reader for it. A file
    whose format cannot be told gets a reader that fails inside the run, so the attempt is in
    the school's history with its reason."""
    from schoolsync.sources.registry import FILE_FORMATS, file_format, file_reader_for

    if fmt is not None:
        try:
            fmt = file_format(fmt)
        except ConfigError as exc:
            raise ConfigError(
                f"unknown format {fmt!r}; choose {', '.join(FILE_FORMATS[:-1])} or "
                f"{FILE_FORMATS[-1]}"
            ) from exc
    try:
        return file_reader_for(path, fmt)
    except FileFormatError as exc:
        error = exc

    def refuse(school: SchoolConnection, since: dt.datetime | None, progress: Progress) -> Snapshot:
        raise error

    return UNDETECTED, refuse


def permissions_reader(settings: Settings) -> PermissionsReader:
    """Reads a school's Wonde permissions, for `schoolsync permissions` and its web page."""
    from schoolsync.sources.wonde.reader import permissions_reader as wonde_permissions

    return wonde_permissions(settings)


def photos_reader(settings: Settings, transport: httpx.BaseTransport | None = None) -> PhotosReader:
    """Reads a school's pupils' photos from Wonde (weekly, after a sync); `transport` as for
    `mis_reader` (the workers' shared pace)."""
    from schoolsync.sources.wonde.photos import photos_reader as wonde_photos

    return wonde_photos(settings, transport)
