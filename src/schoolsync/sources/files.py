"""Uploaded files as a source: which format a file is, reading it, and the reader a sync uses.

    detect_format(path)        -> "ctf" | "oneroster" | "staff-csv", by content, not name
    read_file(path, fmt=None)  -> Snapshot
    file_reader(path, fmt)     -> a `SnapshotReader` for `sync_school`; it ignores `since`,
                                  because a file is always read whole

Formats, and how each is recognised:
- `ctf`: XML whose root element is `<CTfile>` (any namespace);
- `oneroster`: a zip, or a folder, with `manifest.csv` at the top (or one folder down);
- `staff-csv`: a CSV whose header has Staff ID, Forename and Surname.

Anything else is a `FileFormatError` that says what was expected, and so is every problem met
while reading: it is the only exception these readers raise.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from schoolsync.errors import ConfigError, FileFormatError
from schoolsync.model import Snapshot
from schoolsync.sources.ctf import read_ctf
from schoolsync.sources.file_bytes import unreadable
from schoolsync.sources.file_csv import header_key
from schoolsync.sources.file_limits import DEFAULT_LIMITS, FileLimits
from schoolsync.sources.oneroster import read_oneroster
from schoolsync.sources.oneroster_package import manifest_folder
from schoolsync.sources.staffcsv import REQUIRED, read_staff_csv

if TYPE_CHECKING:  # the store and engine are not needed to read a file
    from schoolsync.pipeline import Progress, SnapshotReader
    from schoolsync.store.schools import School

FileFormat = Literal["ctf", "oneroster", "staff-csv"]
FORMATS: tuple[FileFormat, ...] = ("ctf", "oneroster", "staff-csv")

_READERS: dict[FileFormat, Callable[[Path, FileLimits], Snapshot]] = {
    "ctf": read_ctf,
    "oneroster": read_oneroster,
    "staff-csv": read_staff_csv,
}

_EXPECTED = (
    "expected a Common Transfer File (.xml), a OneRoster package (a .zip with manifest.csv) or "
    "a staff list (.csv with the columns Staff ID, Forename and Surname)"
)
_HEAD_BYTES = 64 * 1024
# The first element's name, after any declaration, comments and processing instructions.
_PROLOG = re.compile(r"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.DOTALL)
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_DOCTYPE = re.compile(r"<!DOCTYPE\s+([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def detect_format(path: Path) -> FileFormat:
    name = path.name or str(path)
    if path.is_dir():
        if any(child.name.lower() == "manifest.csv" for child in _children(path, name)):
            return "oneroster"
        raise FileFormatError(f"is a folder without manifest.csv; {_EXPECTED}", file=name)
    head = _head(path, name)
    if head.startswith(b"PK"):
        return _zip_format(path, name)
    text = _head_text(head)
    if text is None:
        raise FileFormatError(f"is not a file schoolsync can read; {_EXPECTED}", file=name)
    stripped = text.lstrip()
    if stripped.startswith("<"):
        # A DOCTYPE names the root; the CTF reader then refuses it with the reason.
        root = _DOCTYPE.search(stripped) or _FIRST_TAG.match(_PROLOG.sub("", stripped, count=1))
        if root and root.group(2) == "CTfile":
            return "ctf"
        found = f"<{root.group(2)[:40]}>" if root else "no element"
        raise FileFormatError(
            f"is XML whose root is {found}, not a Common Transfer File (<CTfile>); {_EXPECTED}",
            file=name,
        )
    first_line = stripped.split("\n", 1)[0]
    keys = {header_key(cell) for cell in re.split(r"[,;\t]", first_line)}
    if all(header_key(column) in keys for column in REQUIRED):
        return "staff-csv"
    if "sourcedid" in keys:
        raise FileFormatError(
            "is a single OneRoster CSV; upload the whole package: a zip of its CSV files "
            "with manifest.csv",
            file=name,
        )
    raise FileFormatError(f"is not in a format schoolsync reads; {_EXPECTED}", file=name)


def read_file(path: Path, fmt: str | None = None, limits: FileLimits = DEFAULT_LIMITS) -> Snapshot:
    chosen = detect_format(path) if fmt is None else _format(fmt)
    return _READERS[chosen](path, limits)


def file_reader(
    path: Path, fmt: str | None = None, limits: FileLimits = DEFAULT_LIMITS
) -> SnapshotReader:
    chosen = None if fmt is None else _format(fmt)  # a bad name fails now, not mid-sync

    def read(_school: School, _since: dt.datetime | None, progress: Progress) -> Snapshot:
        progress(path.name, 0, 1)
        snapshot = read_file(path, chosen, limits)
        progress(path.name, 1, 1)
        return snapshot

    return read


def _format(fmt: str) -> FileFormat:
    wanted = fmt.strip().lower().replace("_", "-")
    for known in FORMATS:
        if wanted == known:
            return known
    raise ConfigError(f"Unknown file format {fmt!r}; use one of: {', '.join(FORMATS)}")


def _head(path: Path, name: str) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise FileFormatError("was not found", file=name) from None
    except OSError as exc:
        raise unreadable(exc, name) from None


def _head_text(head: bytes) -> str | None:
    """The start of a file as text, for a look only: a multi-byte letter cut at the end of
    the sample must not make a text file look binary."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8-sig", errors="replace")
    return None if "\x00" in text else text


def _children(path: Path, name: str) -> list[Path]:
    try:
        return [child for child in path.iterdir() if child.is_file()]
    except OSError as exc:
        raise unreadable(exc, name) from None


def _zip_format(path: Path, name: str) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        raise FileFormatError(f"is not a readable zip file; {_EXPECTED}", file=name) from None
    if manifest_folder(names) is not None:
        return "oneroster"
    if "[Content_Types].xml" in names:
        raise FileFormatError(
            "is an Office document (such as an Excel workbook), not CSV: save it with "
            "File > Save As > CSV UTF-8, then upload that",
            file=name,
        )
    raise FileFormatError(f"is a zip without manifest.csv; {_EXPECTED}", file=name)
