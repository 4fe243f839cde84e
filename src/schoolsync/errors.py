"""The one exception tree, grouped by what the caller should do about it.

Every error has one *reaction* base, which is what a caller catches:

    SchoolsyncError
    ├── RetryLater             nothing is wrong with the request: the same call later will work
    │   ├── SyncInProgress         another run holds the school's lock
    │   ├── SourceUnavailable      network trouble, 429 or 5xx that outlasted the retries
    │   │   └── SourceBusy             the source asked for a longer wait than a run makes:
    │   │                              retry at `retry_at`, not before
    │   └── StoreUnavailable       the database cannot be reached
    ├── NeedsPerson            only a person can unblock it (grant access, look again)
    │   ├── SourceAuthError        401 or 403: someone must grant access or the permission
    │   ├── PlanChanged            the MIS changed after a plan was shown: show the new plan
    │   └── SyncSkipped            the school cannot be synced in its connection state
    │       │                      (pending, declined, revoked, offline): not a failure
    │       └── NotMerged          existing accounts wait to be matched and merged, or the
    │                              school was disconnected: no sync until a person acts
    ├── BadInput               what was given is wrong: fix it and run again
    │   ├── ConfigError            a bad setting or argument
    │   ├── MarkRefused            an attendance mark that cannot be written back (a pupil who
    │   │                          has left, a future time, a disabled code, no write-back)
    │   └── SourceDataError        the source answered with something we cannot read (bad JSON,
    │       │                      a record with no id, ...): the message names page or record
    │       ├── FileFormatError    an uploaded file (CTF, OneRoster, staff CSV) cannot be read:
    │       │                      the message names the file, the line or element path
    │       └── SourceRejected     the source refused a write (HTTP 422): `errors` names each
    │                              field it refused
    └── NotFound               the thing named does not exist
        ├── SchoolNotFound         no school with that key
        └── SourceNotFound         404: the school or record is unknown to the source

`SourceError` is a second, orthogonal base: every error that came from reading the source (the
run fails, nothing is applied), whatever the reaction.

Data problems in single records are not exceptions: they become `model.Issue` values and the
run goes on. Foreign exceptions (httpx, json, sqlalchemy) are translated at the boundary that
meets them (`sources/http.py`, `store/database.py`), so the engine only ever sees these.

Every error survives `pickle` with its message and attributes intact: Celery pickles the
exceptions that end a job.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class SchoolsyncError(Exception):
    """Base of every error schoolsync raises on purpose. The message is safe to show."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception pickles as cls(*args), which breaks any subclass whose __init__ takes other
        # arguments than the message. Rebuild from the message and the attributes instead.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(
    cls: type[SchoolsyncError], args: tuple[Any, ...], state: dict[str, Any]
) -> SchoolsyncError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


# --- reactions ----------------------------------------------------------------------------


class RetryLater(SchoolsyncError):
    """Try the same thing again later; a scheduler requeues it."""


class NeedsPerson(SchoolsyncError):
    """A person must act (grant access, review a plan) before this can go on."""


class BadInput(SchoolsyncError):
    """What was given is wrong; the message names the setting, record, file or line."""


class NotFound(SchoolsyncError):
    """The school, run, class or record named does not exist."""


# --- origins ------------------------------------------------------------------------------


class SourceError(SchoolsyncError):
    """The source could not be read: the run fails and nothing is applied."""


# --- the errors themselves ----------------------------------------------------------------


class ConfigError(BadInput):
    pass


class SchoolNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__(f"No school with key {key!r}. `schoolsync school list` shows them.")
        self.key = key


class SyncInProgress(RetryLater):
    pass


class StoreUnavailable(RetryLater):
    """The database did not answer. The message names where it was looked for, not secrets."""


class PlanChanged(NeedsPerson):
    """The MIS changed between showing a plan and approving it: show the new plan."""


class SyncSkipped(NeedsPerson):
    """The school's connection state does not let a sync run (waiting for approval, declined,
    revoked, offline). Nothing was read, and it is not a failed run."""


class NotMerged(SyncSkipped):
    """A school with existing accounts does not sync until a merge links them (a sync before
    would make second accounts), nor after it was disconnected from its MIS."""


class SourceUnavailable(SourceError, RetryLater):
    pass


class SourceBusy(SourceUnavailable):
    """The source answered 429 or 503 with a `Retry-After` longer than one run waits: the run
    ends, and whoever requeues it must not try before `retry_at` (UTC)."""

    def __init__(self, message: str, retry_at: dt.datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class SourceAuthError(SourceError, NeedsPerson):
    def __init__(self, message: str, permission: str | None = None) -> None:
        super().__init__(message)
        self.permission = permission


class SourceNotFound(SourceError, NotFound):
    pass


class SourceDataError(SourceError, BadInput):
    pass


class MarkRefused(BadInput):
    """An attendance mark that cannot be written back; the message says why and what to do."""


class SourceRejected(SourceDataError):
    """The source refused a write as invalid (422). Nothing of it was stored there."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


class FileFormatError(SourceDataError):
    """An uploaded file cannot be read. Nothing from it is applied."""

    def __init__(self, message: str, *, file: str, where: str | None = None) -> None:
        location = f"{file}, {where}" if where else file
        super().__init__(f"{location}: {message}")
        self.file = file
        self.where = where


def where_raised(exc: BaseException) -> str:
    """An exception's type and the line that raised it, without its message: messages can
    quote the data being handled, and that is children's data."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    return f"{type(exc).__name__} at {last.filename.rsplit('/', 1)[-1]}:{last.lineno}"
