"""One logging setup for every entry point (the CLI, the web server, workers, benchmarks).

Records go to stderr: as JSON lines when stderr is not a terminal (a service manager, a log
shipper, a file), as readable lines when a person is watching. Every record logged while a run
is going on carries the run's fields (`run_id`, `school_key`) from `log_context`, so a log
search for one run finds all of it, including the HTTP retries and lock warnings made on its
behalf.

What may be logged: ids, school keys, counts, statuses, exception types and source lines. What
never may: a pupil's or anyone's data (names, emails, UPNs, dates of birth) or a secret (a
Wonde token, an API token, a password). Exception messages can quote the record being read,
so they are logged by `errors.where_raised(exc)` (type and line), never by `str(exc)`.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import IO, Any

from pythonjsonlogger.json import JsonFormatter

#: The fields a run adds to each record, in the order a readable line shows them.
RUN_FIELDS = ("job_id", "run_id", "school_key", "status", "counts", "issues")

_fields: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "schoolsync_log_fields", default=MappingProxyType({})
)

#: Libraries whose DEBUG records say more than we vouch for (httpcore logs response headers
#: line by line): they log at INFO at most, whatever the level asked for.
_CHATTY = ("httpcore", "hpack", "multipart", "asyncio", "urllib3")

_READABLE = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_JSON = "%(asctime)s %(levelname)s %(name)s %(message)s"


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add `fields` to every record logged inside the block, in this thread or task (and in
    threads started with a copy of this context)."""
    token = _fields.set({**_fields.get(), **fields})
    try:
        yield
    finally:
        _fields.reset(token)


def configure_logging(level: str = "WARNING", stream: IO[str] | None = None) -> None:
    """Send the process's records to `stream` (stderr), at `level` (`Settings.log_level`)."""
    stream = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(stream)
    handler.addFilter(_add_context)
    handler.setFormatter(_readable() if _is_terminal(stream) else _json())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    floor = max(logging.INFO, root.level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(floor)


def _add_context(record: logging.LogRecord) -> bool:
    for name, value in _fields.get().items():
        if not hasattr(record, name):  # a field given to the call itself wins
            setattr(record, name, value)
    return True


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def _json() -> logging.Formatter:
    return JsonFormatter(
        _JSON,
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,
    )


class _Readable(logging.Formatter):
    """The usual one-line format, with the run's fields after the message."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = [f"{name}={getattr(record, name)}" for name in RUN_FIELDS if hasattr(record, name)]
        return f"{line} [{' '.join(extra)}]" if extra else line


def _readable() -> logging.Formatter:
    return _Readable(_READABLE)
