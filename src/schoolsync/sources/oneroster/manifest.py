"""A OneRoster `manifest.csv`: which files the package holds, and whether each is the whole set
(`bulk`), changes only (`delta`) or not sent (`absent`). Pure.

Read leniently, as real packages need: keys match without case (`file.userProfiles` names
`userprofiles.csv`), an empty mode means absent, and keys that are not `file.*` are ignored
(one widely copied sample misspells `fiel.demographics`; that file is then absent, as the
manifest would have said). An unknown mode is a `FileFormatError`: guessing between "the whole
list" and "changes only" decides whether absent people leave.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from schoolsync.errors import FileFormatError
from schoolsync.sources.files.csv import Column, read_csv_table
from schoolsync.sources.files.text import decode_text

Mode = Literal["bulk", "delta", "absent"]
_MODES: dict[str, Mode] = {"bulk": "bulk", "delta": "delta", "absent": "absent", "": "absent"}
_COLUMNS = (Column("propertyName", required=True), Column("value", required=True))


@dataclass(frozen=True, slots=True)
class Manifest:
    #: `oneroster.version` as written ("1.1", "1.2", "1.2.1"), None when missing
    version: str | None
    #: lower-case file key ("users", "userprofiles") -> how the package sends it
    modes: Mapping[str, Mode]
    #: `source.systemName`, the exporting system, when the manifest names one
    system_name: str | None

    def mode(self, key: str) -> Mode:
        return self.modes.get(key.lower(), "absent")


def parse_manifest(data: bytes, file: str) -> Manifest:
    table = read_csv_table(decode_text(data, file), file, _COLUMNS)
    properties: dict[str, str] = {}
    modes: dict[str, Mode] = {}
    for row in table.rows:
        key = row.get("propertyName")
        value = row.get("value")
        if key.lower().startswith("file."):
            mode = _MODES.get(value.lower())
            if mode is None:
                raise FileFormatError(
                    f"{key} is '{value[:20]}', but a file can only be bulk, delta or absent",
                    file=file,
                    where=f"line {row.line}",
                )
            modes[key[5:].lower()] = mode
        else:
            properties.setdefault(key.lower(), value)
    system = properties.get("source.systemname")
    return Manifest(
        version=properties.get("oneroster.version") or None,
        modes=modes,
        system_name=system if system and system.lower() != "absent" else None,
    )
