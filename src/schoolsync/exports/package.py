"""Writing a package of CSV files as one directory that appears whole or not at all.

The files are written into a staging directory beside the target and renamed into place, so a
consumer polling the target never reads half a package, and a failed export leaves the previous
package untouched. A rename is atomic only within one filesystem, which is why the staging
directory is a sibling of the target rather than in /tmp.

Replacing an existing package takes two renames (old aside, new in); between them the target
briefly does not exist, which a reader sees as "no package yet", never as a mixed one.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from schoolsync.errors import ConfigError


@dataclass(frozen=True, slots=True)
class CsvFile:
    name: str
    header: Sequence[str]
    rows: Iterable[Mapping[str, str]]


def write_package(target: Path, files: Iterable[CsvFile]) -> dict[str, int]:
    """Write `files` as the whole content of directory `target`; returns rows per file."""
    _check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # mkdtemp makes the directory readable by its owner only, and the package keeps that
    # mode: it holds pupils' personal data.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        counts = {file.name: _write_csv(staging / file.name, file) for file in files}
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return counts


def _write_csv(path: Path, file: CsvFile) -> int:
    # UTF-8 without a BOM and CRLF line ends, as RFC 4180 has them; the csv module quotes
    # whatever needs quoting (commas in lists, quotes and line breaks in names).
    # Cells starting with =, +, -, @, tab or CR are written as they are: OneRoster files are
    # read by machines, not spreadsheets, and "neutralising" them would change a name or id
    # the consumer must match exactly (the issues CSV, which people open in Excel, does it).
    count = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(
            stream,
            fieldnames=list(file.header),
            restval="",
            extrasaction="raise",
            lineterminator="\r\n",
        )
        writer.writeheader()
        for row in file.rows:
            writer.writerow(row)
            count += 1
    return count


def _check_replaceable(target: Path) -> None:
    """Refuse to replace anything but an earlier package: the target is removed wholesale."""
    if not target.exists() and not target.is_symlink():
        return
    if target.is_symlink() or not target.is_dir():
        raise ConfigError(f"{target} exists and is not a directory; choose another output path")
    strangers = [
        entry.name
        for entry in target.iterdir()
        if entry.is_symlink() or not entry.is_file() or entry.suffix != ".csv"
    ]
    if strangers:
        raise ConfigError(
            f"{target} holds files that are not part of a OneRoster package "
            f"({', '.join(sorted(strangers)[:3])}); the export replaces the whole directory, "
            "so choose an empty or new one"
        )


def _move_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    aside = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
    target.rename(aside)
    try:
        staging.rename(target)
    except BaseException:
        aside.rename(target)
        raise
    shutil.rmtree(aside, ignore_errors=True)
