"""A OneRoster 1.2 bulk CSV package of one school's current roster.

    export_oneroster(conn, school_id, out_dir, now=...)  -> rows written per file

The package is a directory (zip it to send it): `manifest.csv` plus orgs, academicSessions,
courses, classes, users, roles, enrollments and demographics, each `bulk` in the manifest and
every other 1.2 file type `absent`. Reading the store (`roster`), turning it into rows
(`oneroster_rows`, pure) and writing files (`package`) are separate steps; this module only
joins them. It reads through the caller's connection and writes nothing to the store.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from schoolsync.exports.oneroster_rows import Row, build_rows
from schoolsync.exports.oneroster_spec import (
    FILE_TYPES,
    HEADERS,
    MANIFEST_HEADER,
    MANIFEST_VERSION,
    ONEROSTER_VERSION,
    file_name,
)
from schoolsync.exports.package import CsvFile, write_package
from schoolsync.exports.roster import load_roster
from schoolsync.sources.oneroster.vocab import SYSTEM_NAME


def export_oneroster(
    conn: sa.Connection, school_id: int, out_dir: Path, *, now: dt.datetime
) -> dict[str, int]:
    """Write the package into `out_dir` (created, or replaced if it holds an earlier package).

    `now` picks the academic year the package describes, on the school's own calendar.
    Returns the number of data rows written to each file, by file name.
    """
    roster = load_roster(conn, school_id)
    tables = build_rows(roster, _local_date(now, roster.school.timezone))
    files = [CsvFile(file_name("manifest"), MANIFEST_HEADER, _manifest(set(tables)))]
    files.extend(
        CsvFile(file_name(file_type), HEADERS[file_type], tables[file_type])
        for file_type in HEADERS
    )
    return write_package(out_dir, files)


def _manifest(written: set[str]) -> list[Row]:
    rows = [
        {"propertyName": "manifest.version", "value": MANIFEST_VERSION},
        {"propertyName": "oneroster.version", "value": ONEROSTER_VERSION},
    ]
    rows.extend(
        {"propertyName": f"file.{file_type}", "value": "bulk" if file_type in written else "absent"}
        for file_type in FILE_TYPES
    )
    rows.append({"propertyName": "source.systemName", "value": SYSTEM_NAME})
    return rows


def _local_date(now: dt.datetime, timezone: str) -> dt.date:
    """Today at the school: an export run at 00:30 BST on 1 September is in the new year,
    though it is still 31 August in UTC."""
    if now.tzinfo is None:
        return now.date()
    try:
        return now.astimezone(ZoneInfo(timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return now.date()
