"""Which source reads what: a school's source kind, or the format of a file being imported.

    reader_for(school, settings)       -> the SnapshotReader for the school's source kind
    school_reader(settings)            -> a SnapshotReader that picks by kind when it reads
    file_reader_for(path, fmt=None)    -> (format, SnapshotReader); the format detected when
                                          not given (`FileFormatError` when it cannot be)
    read_file(path, fmt=None)          -> Snapshot

Adding a source is one package under `sources/` plus one line below: a school source in
`_SCHOOL_READERS`, a file format in `_FILE_READERS` (and, to be detected, in `files.detect`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import httpx

from schoolsync.config import Settings
from schoolsync.errors import ConfigError
from schoolsync.model import Snapshot
from schoolsync.sources.base import (
    SCHOOL_SOURCE_KINDS,
    Progress,
    SchoolConnection,
    SchoolSourceKind,
    SnapshotReader,
)
from schoolsync.sources.ctf.reader import read_ctf
from schoolsync.sources.files.detect import FileFormat, detect_format
from schoolsync.sources.files.limits import DEFAULT_LIMITS, FileLimits
from schoolsync.sources.oneroster.reader import read_oneroster
from schoolsync.sources.staffcsv import read_staff_csv
from schoolsync.sources.wonde.reader import wonde_reader

Transport = httpx.BaseTransport | None

#: Each school source kind's reader, given the settings and, in tests, a stand-in transport.
_SCHOOL_READERS: dict[SchoolSourceKind, Callable[[Settings, Transport], SnapshotReader]] = {
    "wonde": wonde_reader,
    "files": lambda _settings, _transport: _imports_only,
}

_FILE_READERS: dict[FileFormat, Callable[[Path, FileLimits], Snapshot]] = {
    "ctf": read_ctf,
    "oneroster": read_oneroster,
    "staff_csv": read_staff_csv,
}
FILE_FORMATS: tuple[FileFormat, ...] = tuple(_FILE_READERS)

#: Spellings accepted on input from before there was one (`--format staff-csv`).
_OLD_SPELLINGS: dict[str, FileFormat] = {"staff-csv": "staff_csv"}


def _imports_only(school: SchoolConnection, _since: dt.datetime | None, _p: Progress) -> Snapshot:
    # A school that imports files has nothing to read on its own: asking it to sync says so,
    # inside the run, so the attempt is in its history.
    raise ConfigError(
        f"School {school.key} has no Wonde connection; import files for it instead "
        "(`schoolsync import`)"
    )


def reader_for(
    school: SchoolConnection, settings: Settings, transport: Transport = None
) -> SnapshotReader:
    """The reader for a school's source kind, configured by `settings`; `transport` stands in
    for the network (an `httpx.MockTransport` in tests)."""
    return _SCHOOL_READERS[school_source_kind(school.source_kind)](settings, transport)


def school_reader(settings: Settings, transport: Transport = None) -> SnapshotReader:
    """A reader that finds the school's own reader when it is called, for callers that know
    only the school's key (the pipeline loads the school)."""

    def read(school: SchoolConnection, since: dt.datetime | None, progress: Progress) -> Snapshot:
        return reader_for(school, settings, transport)(school, since, progress)

    return read


def school_source_kind(value: str) -> SchoolSourceKind:
    for known in SCHOOL_SOURCE_KINDS:
        if value == known:
            return known
    raise ConfigError(
        f"Unknown source kind {value!r}; a school's source is one of: "
        f"{', '.join(SCHOOL_SOURCE_KINDS)}"
    )


def file_format(value: str) -> FileFormat:
    """A format named by a person: one of `FILE_FORMATS`, in any case, old spellings too."""
    wanted = value.strip().lower()
    wanted = _OLD_SPELLINGS.get(wanted, wanted)
    for known in FILE_FORMATS:
        if wanted == known:
            return known
    raise ConfigError(f"Unknown file format {value!r}; use one of: {', '.join(FILE_FORMATS)}")


def read_file(path: Path, fmt: str | None = None, limits: FileLimits = DEFAULT_LIMITS) -> Snapshot:
    chosen = detect_format(path) if fmt is None else file_format(fmt)
    return _FILE_READERS[chosen](path, limits)


def file_reader_for(
    path: Path, fmt: str | None = None, limits: FileLimits = DEFAULT_LIMITS
) -> tuple[FileFormat, SnapshotReader]:
    """The file's format and a reader for an import of it. The format is checked (or detected)
    now, so a caller can name it, and record the attempt when there is none: a
    `FileFormatError` says why the file cannot be read, a `ConfigError` that `fmt` is unknown.
    The reader ignores `since`, because a file is always read whole."""
    chosen = detect_format(path) if fmt is None else file_format(fmt)
    read_chosen = _FILE_READERS[chosen]

    def read(_school: SchoolConnection, _since: dt.datetime | None, progress: Progress) -> Snapshot:
        progress(path.name, 0, 1)
        snapshot = read_chosen(path, limits)
        progress(path.name, 1, 1)
        return snapshot

    return chosen, read
