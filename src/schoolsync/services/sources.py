"""Which reader serves a school or a file: the one place the services wire a source.

The CLI, the web app and the workers never build a reader themselves; when the sources become a
registry (`sources/registry.py`), only this module changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from schoolsync.errors import ConfigError

if TYPE_CHECKING:
    from schoolsync.config import Settings
    from schoolsync.engine.sync import SnapshotReader

#: The file formats `import` reads, as a person names them.
FILE_FORMATS = ("ctf", "oneroster", "staff-csv")


def mis_reader(settings: Settings) -> SnapshotReader:
    """Reads a school from its MIS connection (Wonde today)."""
    from schoolsync.sources.readers import wonde_reader

    return wonde_reader(settings)


def mis_readers(settings: Settings) -> Callable[[], SnapshotReader]:
    """A factory of MIS readers, for the web app's background syncs."""
    return lambda: mis_reader(settings)


def file_reader(path: Path, fmt: str | None) -> tuple[str, SnapshotReader]:
    """The file's format (given, or detected) and a reader for it. A file whose format cannot
    be told gets a reader that fails inside the run, so the attempt is in the history."""
    from schoolsync.sources.readers import import_reader

    if fmt is not None and fmt not in FILE_FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; choose {', '.join(FILE_FORMATS[:-1])} or "
                          f"{FILE_FORMATS[-1]}")  # fmt: skip
    return import_reader(path, fmt)
