"""Where the file sources' fixtures live, and small helpers the file tests share."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from schoolsync.model import Issue, Person, Snapshot

CASES = Path(__file__).resolve().parents[1] / "cases"
CTF = CASES / "ctf"
ONEROSTER = CASES / "oneroster"
STAFFCSV = CASES / "staffcsv"


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    """The folder's files in a zip, at its root (or under `prefix`), as a school would send it."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                archive.write(path, prefix + path.name)
    return target


def write_zip(target: Path, members: Iterable[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return target


def person(snapshot: Snapshot, source_id: str) -> Person:
    found = [p for p in snapshot.people if p.source_id == source_id]
    assert len(found) == 1, f"{source_id}: {len(found)} people"
    return found[0]


def issues_about(snapshot: Snapshot, text: str) -> list[Issue]:
    return [issue for issue in snapshot.read_issues if text in issue.message]
