"""Reading an uploaded file's bytes: the one place file sources touch the disk for a single file.

Every OS error becomes a `FileFormatError` naming the file, so callers see one exception type.
Messages use the file's name, not its full path: uploads live in temporary folders whose names
mean nothing to a school admin.
"""

from __future__ import annotations

from pathlib import Path

from schoolsync.errors import FileFormatError
from schoolsync.sources.files.limits import megabytes


def read_limited(path: Path, limit: int, label: str | None = None) -> bytes:
    """The whole file, refusing one over `limit` bytes before reading it. Messages call it
    `label` (default: its name)."""
    name = label or path.name or str(path)
    try:
        if path.is_dir():
            raise FileFormatError("is a folder, not a file", file=name)
        size = path.stat().st_size
        if size > limit:
            raise FileFormatError(
                f"is {megabytes(size)}, over the {megabytes(limit)} limit for one file", file=name
            )
        with path.open("rb") as handle:
            # The size can change between stat and read (a file still being copied).
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise FileFormatError("was not found", file=name) from None
    except PermissionError:
        raise FileFormatError("could not be opened (permission denied)", file=name) from None
    except OSError as exc:
        raise unreadable(exc, name) from None
    if len(data) > limit:
        raise FileFormatError(f"is over the {megabytes(limit)} limit for one file", file=name)
    return data


def unreadable(exc: OSError, name: str) -> FileFormatError:
    return FileFormatError(f"could not be read ({exc.strerror or 'OS error'})", file=name)
