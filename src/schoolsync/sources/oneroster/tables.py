"""The OneRoster CSV files schoolsync reads: their columns, how each is found in a package, and
what a row's `status` means. Pure.

Columns are declared once, here: the name the spec gives, the other spellings seen in real
packages (1.0's `agents`, `userSourcedId` and `birthdate`, 1.0's singular `grade`, a 1.2
exporter's `prefferedGivenName`), and whether mapping cannot go on without it. Only the columns
schoolsync maps are required; the spec's other required columns (orgSourcedIds, username,
termSourcedIds, ...) are not used, so a package missing them is still read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from schoolsync.errors import FileFormatError
from schoolsync.model import Issue, IssueEntity
from schoolsync.sources.files.csv import Column, CsvRow, CsvTable, read_csv_table
from schoolsync.sources.files.text import decode_text
from schoolsync.sources.oneroster.manifest import Manifest, Mode
from schoolsync.sources.oneroster.package import Package

_STATUS = Column("status")

COLUMNS: dict[str, tuple[Column, ...]] = {
    "users": (
        Column("sourcedId", required=True),
        _STATUS,
        Column("role"),
        Column("username"),
        Column("givenName", required=True),
        Column("familyName", required=True),
        Column("middleName"),
        Column("identifier"),
        Column("email"),
        Column("agentSourcedIds", ("agents",)),
        Column("grades", ("grade",)),
        Column("preferredGivenName", ("prefferedGivenName",)),
        Column("preferredMiddleName", ("prefferedMiddleName",)),
        Column("preferredFamilyName", ("prefferedFamilyName",)),
    ),
    "roles": (
        Column("userSourcedId", required=True),
        _STATUS,
        Column("roleType"),
        Column("role", required=True),
    ),
    "demographics": (
        Column("sourcedId", ("userSourcedId",), required=True),
        _STATUS,
        Column("birthDate", ("birthdate",)),
        Column("sex"),
    ),
    "courses": (
        Column("sourcedId", required=True),
        _STATUS,
        Column("title", required=True),
        Column("courseCode"),
    ),
    "classes": (
        Column("sourcedId", required=True),
        _STATUS,
        Column("title", required=True),
        Column("grades", ("grade",)),
        Column("courseSourcedId"),
        Column("classCode"),
        Column("classType", required=True),
        Column("location"),
    ),
    "enrollments": (
        Column("sourcedId"),
        _STATUS,
        Column("classSourcedId", required=True),
        Column("userSourcedId", required=True),
        Column("role", required=True),
    ),
    "orgs": (
        Column("sourcedId", required=True),
        _STATUS,
        Column("name", required=True),
        Column("type"),
        Column("identifier"),
    ),
}


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    mode: Mode
    csv: CsvTable

    @property
    def file(self) -> str:
        return self.csv.file

    def has(self, column: str) -> bool:
        return column in self.csv.present


def load_table(package: Package, manifest: Manifest, key: str) -> Table | None:
    """The file as the manifest declares it; None when it is absent. A file the manifest
    declares but the package lacks is an error: reading it as empty could make everyone leave."""
    mode = manifest.mode(key)
    if mode == "absent":
        return None
    name = f"{key}.csv"
    data = package.files.get(name)
    if data is None:
        raise FileFormatError(
            f"the manifest says {name} is {mode}, but the package has no {name}",
            file=package.label("manifest.csv"),
        )
    label = package.label(name)
    table = read_csv_table(decode_text(data, label), label, COLUMNS[key])
    if table.rows and table.rows[-1].cut:
        # Every row of a OneRoster file has every column, so this is a file cut short in
        # transfer: what else it lacks cannot be known, and a bulk file read as it is would
        # make everyone after the cut leave. Nothing from the package is used.
        raise FileFormatError(
            "the file ends in the middle of this row (was it cut short in transfer?); send the "
            "whole file again",
            file=label,
            where=f"line {table.rows[-1].line}",
        )
    return Table(key, mode, table)


RowState = Literal["active", "deleted"]

# 1.0's "inactive" is read as deleted: it meant the record no longer counts. An empty status is
# what bulk files must have and what sloppy delta files have; both mean the row is current.
_STATES: dict[str, RowState] = {
    "": "active",
    "active": "active",
    "tobedeleted": "deleted",
    "inactive": "deleted",
    "deleted": "deleted",
}


def row_state(row: CsvRow) -> RowState | None:
    return _STATES.get(row.get("status").lower())


def row_issue(
    table: Table,
    row: CsvRow,
    entity: IssueEntity,
    entity_name: str,
    problem: str,
    source_id: str = "",
    *,
    severity: Literal["error", "warning"] = "error",
) -> Issue:
    return Issue(
        entity,
        entity_name,
        f"{table.file}, line {row.line}: {problem}",
        source_id,
        severity=severity,
    )


def row_problem(row: CsvRow) -> str | None:
    """Why a row cannot be used as it stands, whatever file it is in."""
    if row_state(row) is None:
        status = row.get("status")[:20]
        return f"status '{status}' is not active or tobedeleted; the row was left out"
    if row.overflow:
        return (
            "the row has more values than the header has columns (a comma inside an unquoted "
            "value?); the row was left out"
        )
    return None


def split_list(value: str) -> list[str]:
    """A OneRoster list field ("a,b, c") as its non-empty items, in order, without repeats."""
    return list(dict.fromkeys(item.strip() for item in value.split(",") if item.strip()))
