"""Which format an uploaded file is, by its content, not its name.

    detect_format(path) -> "ctf" | "oneroster" | "staff_csv"

Formats, and how each is recognised:
- `ctf`: XML whose root element is `<CTfile>` (any namespace);
- `oneroster`: a zip, or a folder, with `manifest.csv` at the top (or one folder down);
- `staff_csv`: a CSV whose header has Staff ID, Forename and Surname.

Anything else is a `FileFormatError` that says what was expected. Reading the file is the
format's own reader's job, found through `sources.registry`.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path
from typing import Literal

from schoolsync.errors import FileFormatError
from schoolsync.sources.files.bytes import unreadable
from schoolsync.sources.files.csv import header_key
from schoolsync.sources.oneroster.package import manifest_folder
from schoolsync.sources.staffcsv import REQUIRED

#: One spelling per format, the same as the `Snapshot.source` its reader gives.
FileFormat = Literal["ctf", "oneroster", "staff_csv"]

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
        return "staff_csv"
    if "sourcedid" in keys:
        raise FileFormatError(
            "is a single OneRoster CSV; upload the whole package: a zip of its CSV files "
            "with manifest.csv",
            file=name,
        )
    raise FileFormatError(f"is not in a format schoolsync reads; {_EXPECTED}", file=name)


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
