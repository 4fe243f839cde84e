"""The one exception tree. Grouped by what the caller should do about it.

    SchoolsyncError
    ├── ConfigError            a bad setting or argument: fix it and run again
    ├── SchoolNotFound         no school with that key
    ├── SyncInProgress         the school's lock is held by another run: try later
    └── SourceError            the source could not be read; the run fails, nothing is applied
        ├── SourceUnavailable  network trouble, 429 or 5xx that outlasted the retries: retry later
        ├── SourceAuthError    401 or 403: final until someone grants access or the permission
        ├── SourceNotFound     404: the school or record is unknown to the source
        └── SourceDataError    the source answered with something we cannot read (bad JSON,
            │                  a record with no id, ...): the message names the page or record
            └── FileFormatError  an uploaded file (CTF, OneRoster, staff CSV) cannot be read: the
                               message names the file, the line or element path, and the pupil

Data problems in single records are not exceptions: they become `model.Issue` values and the
run goes on. Foreign exceptions (httpx, json, sqlalchemy) are translated at the boundary that
meets them, so the engine only ever sees these.
"""

from __future__ import annotations


class SchoolsyncError(Exception):
    """Base of every error schoolsync raises on purpose."""


class ConfigError(SchoolsyncError):
    pass


class SchoolNotFound(SchoolsyncError):
    def __init__(self, key: str) -> None:
        super().__init__(f"No school with key {key!r}. `schoolsync school list` shows them.")
        self.key = key


class SyncInProgress(SchoolsyncError):
    pass


class SourceError(SchoolsyncError):
    """The source could not be read. The message is safe to show to a school admin."""


class SourceUnavailable(SourceError):
    pass


class SourceAuthError(SourceError):
    def __init__(self, message: str, permission: str | None = None) -> None:
        super().__init__(message)
        self.permission = permission


class SourceNotFound(SourceError):
    pass


class SourceDataError(SourceError):
    pass


class FileFormatError(SourceDataError):
    """An uploaded file cannot be read. Nothing from it is applied."""

    def __init__(self, message: str, *, file: str, where: str | None = None) -> None:
        location = f"{file}, {where}" if where else file
        super().__init__(f"{location}: {message}")
        self.file = file
        self.where = where
