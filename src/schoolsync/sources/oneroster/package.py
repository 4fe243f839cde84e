"""A OneRoster package, a zip or a folder, as CSV files in memory: the I/O of the OneRoster
source, guarded against hostile zips.

The spec puts every CSV at the root of the zip. Zips made with "Send to > Compressed folder"
put them one folder down, so the package is the folder that holds `manifest.csv`. Nothing is
ever extracted to disk, and still a zip is refused whole when:
- an entry's name points outside it (`../x`, `/etc/x`, `C:\\x`): no honest tool writes one;
- the zip itself is larger than `max_package_bytes` (checked before its directory is read);
- it has more entries than `max_package_members`;
- its CSVs unpack to more than `max_package_bytes` together or `max_file_bytes` each. Sizes
  are counted while decompressing, not taken from the zip's own (forgeable) headers.
"""

from __future__ import annotations

import lzma
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from schoolsync.errors import FileFormatError
from schoolsync.sources.files.bytes import read_limited, unreadable
from schoolsync.sources.files.limits import DEFAULT_LIMITS, FileLimits, megabytes

_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class Package:
    #: the zip's or folder's name, as messages show it
    name: str
    #: lower-case file name -> bytes, for the CSVs beside manifest.csv
    files: Mapping[str, bytes]

    def label(self, file: str) -> str:
        return f"{self.name}/{file}"


def open_package(path: Path, limits: FileLimits = DEFAULT_LIMITS) -> Package:
    name = path.name or str(path)
    if path.is_dir():
        return _open_folder(path, name, limits)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise FileFormatError("was not found", file=name) from None
    except OSError as exc:
        raise unreadable(exc, name) from None
    if size > limits.max_package_bytes:
        # Checked before opening: the zip's directory alone could be millions of entries.
        raise FileFormatError(
            f"is {megabytes(size)}, over the {megabytes(limits.max_package_bytes)} limit for a "
            "OneRoster package",
            file=name,
        )
    try:
        with zipfile.ZipFile(path) as archive:
            return _open_zip(archive, name, limits)
    except FileFormatError:
        raise
    except zipfile.BadZipFile as exc:
        raise FileFormatError(f"is not a readable zip file ({exc})", file=name) from None
    except (RuntimeError, NotImplementedError) as exc:  # encrypted, or an unknown compression
        raise FileFormatError(f"cannot be unpacked ({exc})", file=name) from None
    except (zlib.error, lzma.LZMAError, EOFError, OSError, ValueError) as exc:
        raise FileFormatError(f"is damaged and cannot be unpacked ({exc})", file=name) from None


def manifest_folder(names: Iterable[str]) -> str | None:
    """The folder ("" for the root) whose manifest.csv makes the package, or None."""
    folders = []
    for entry in names:
        parts = PurePosixPath(entry.replace("\\", "/")).parts
        if parts and parts[-1].lower() == "manifest.csv" and "__MACOSX" not in parts:
            folders.append(parts[:-1])
    if not folders:
        return None
    shallowest = min(len(folder) for folder in folders)
    top = [folder for folder in folders if len(folder) == shallowest]
    return "/".join(top[0]) if len(top) == 1 else None


def _open_zip(archive: zipfile.ZipFile, name: str, limits: FileLimits) -> Package:
    entries = archive.infolist()
    if len(entries) > limits.max_package_members:
        raise FileFormatError(
            f"has {len(entries)} entries; a OneRoster package has at most a few dozen "
            f"(the limit is {limits.max_package_members})",
            file=name,
        )
    for entry in entries:
        _refuse_escaping(entry.filename, name)
    folder = manifest_folder(entry.filename for entry in entries)
    if folder is None:
        raise FileFormatError(_NO_MANIFEST, file=name)
    files: dict[str, bytes] = {}
    budget = limits.max_package_bytes
    for entry in entries:
        path = PurePosixPath(entry.filename.replace("\\", "/"))
        if entry.is_dir() or "/".join(path.parts[:-1]) != folder:
            continue
        file = path.name.lower()
        if not file.endswith(".csv"):
            continue
        if file in files:
            raise FileFormatError(f"has two files named {path.name}", file=name)
        data = _read_entry(archive, entry, min(budget, limits.max_file_bytes), name)
        budget -= len(data)
        files[file] = data
    return Package(name, files)


def _refuse_escaping(entry: str, name: str) -> None:
    normal = entry.replace("\\", "/")
    if normal.startswith("/") or _DRIVE.match(normal) or ".." in normal.split("/"):
        raise FileFormatError(
            f"has an entry named '{entry[:80]}' that points outside the package; such a zip is "
            "refused",
            file=name,
        )


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int, name: str) -> bytes:
    too_big = FileFormatError(
        f"{entry.filename[:80]} unpacks to more than {megabytes(limit)}, over the limit for "
        "a OneRoster package",
        file=name,
    )
    if entry.file_size > limit:
        raise too_big
    chunks: list[bytes] = []
    total = 0
    with archive.open(entry) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise too_big
            chunks.append(chunk)
    return b"".join(chunks)


def _open_folder(path: Path, name: str, limits: FileLimits) -> Package:
    try:
        entries = sorted(child for child in path.iterdir() if child.is_file())
    except OSError as exc:
        raise unreadable(exc, name) from None
    csvs = [child for child in entries if child.name.lower().endswith(".csv")]
    if not any(child.name.lower() == "manifest.csv" for child in csvs):
        raise FileFormatError(_NO_MANIFEST, file=name)
    if len(csvs) > limits.max_package_members:
        raise FileFormatError(f"has {len(csvs)} CSV files; too many for a package", file=name)
    files: dict[str, bytes] = {}
    budget = limits.max_package_bytes
    for child in csvs:
        file = child.name.lower()
        if file in files:
            raise FileFormatError(f"has two files named {child.name}", file=name)
        limit = min(budget, limits.max_file_bytes)
        data = read_limited(child, limit, f"{name}/{child.name}")
        budget -= len(data)
        files[file] = data
    return Package(name, files)


_NO_MANIFEST = (
    "has no manifest.csv. A OneRoster package is a zip (or folder) of CSV files with "
    "manifest.csv beside them"
)
