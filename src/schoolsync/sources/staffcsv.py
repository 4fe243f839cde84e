"""A school's own staff list, as a CSV, to a `Snapshot` of employees.

    read_staff_csv(path, limits)     the file on disk (size-limited) -> Snapshot
    parse_staff_csv(data, file)      its bytes -> Snapshot (pure)

Schools that switch the MIS staff import off upload their own list instead. The columns (also
in docs/staff-csv.md, for the schools):

| column          | required | meaning                                                        |
|-----------------|----------|----------------------------------------------------------------|
| `Staff ID`      | yes      | the school's own id for the person; it must not change         |
| `Title`         | no       | Mr, Ms, Dr, ...                                                |
| `Forename`      | yes      |                                                                |
| `Surname`       | yes      |                                                                |
| `Email`         | no       | their login; the school's settings may require one             |
| `Role`          | no       | `teacher` or `staff` (the default when blank)                  |
| `Date of birth` | no       | 2024-03-09 or 09/03/2024 (day first)                           |

Header names ignore case, spaces and underscores; columns may come in any order; other columns
are ignored. UTF-8 with or without a byte-order mark, or Windows-1252 as Excel's plain "CSV"
writes it; commas separate values (a file whose header has semicolons or tabs and no comma,
as some Excel locales write, is read with those). Blank rows are skipped.

`person_fields` are the required columns' and those optional columns the file has: a list
without an Email (or Role) column leaves the stored emails (or roles) alone.

`Staff ID` is both `source_id` and `mis_id`. The list is the whole staff: `complete=True`,
`covers={"employee"}`, so someone no longer in it leaves (pupils and contacts are untouched).
A row missing a required value, or with a Staff ID used twice, is an error `Issue` naming its
line; its Staff ID then also keeps the stored person as they were rather than leaving.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from schoolsync.model import Issue, Person, Role, Snapshot
from schoolsync.sources.files.bytes import read_limited
from schoolsync.sources.files.csv import Column, CsvRow, CsvTable, blank_to_none, read_csv_table
from schoolsync.sources.files.limits import DEFAULT_LIMITS, FileLimits
from schoolsync.sources.files.text import decode_text
from schoolsync.sources.files.values import parse_date, parse_email

COLUMNS = (
    Column("Staff ID", required=True),
    Column("Title"),
    Column("Forename", required=True),
    Column("Surname", required=True),
    Column("Email"),
    Column("Role"),
    Column("Date of birth"),
)
REQUIRED = tuple(column.name for column in COLUMNS if column.required)
_ROLES: dict[str, Role] = {"teacher": "teacher", "staff": "staff", "": "staff"}


def read_staff_csv(path: Path, limits: FileLimits = DEFAULT_LIMITS) -> Snapshot:
    return parse_staff_csv(read_limited(path, limits.max_file_bytes), path.name)


def parse_staff_csv(data: bytes, file: str = "staff.csv") -> Snapshot:
    text = decode_text(data, file)
    table = read_csv_table(text, file, COLUMNS, delimiter=_delimiter(text))
    issues: list[Issue] = []
    read: dict[str, list[_Read]] = {}
    for row in table.rows:
        one = _read_row(table, row, issues)
        if one is not None:
            read.setdefault(one.person.source_id, []).append(one)
    people: list[Person] = []
    for staff_id, found in read.items():
        if len(found) == 1:
            people.append(found[0].person)
            continue
        lines = ", ".join(str(each.line) for each in found[:5])
        first = found[0].person
        issues.append(
            Issue(
                first.role,
                first.display_name,
                f"{file}, lines {lines}: Staff ID {staff_id} is on more than one row; "
                "none of them was used",
                staff_id,
                staff_id,
            )
        )
    snapshot = Snapshot(
        source="staff_csv",
        complete=True,
        people=tuple(people),
        read_issues=tuple(issues),
        person_fields=_person_fields(table),
        covers=frozenset({"employee"}),
        origin=file,
    )
    return snapshot


def _person_fields(table: CsvTable) -> frozenset[str]:
    """The fields the list speaks for: its optional columns only when it has them, so a list
    without an Email column leaves the emails the product has alone, and one without a Role
    column does not turn every teacher into support staff."""
    said = {"source_id", "mis_id", "forename", "surname"}
    for column, field in (
        ("Role", "role"),
        ("Title", "title"),
        ("Email", "email"),
        ("Date of birth", "date_of_birth"),
    ):
        if column in table.present:
            said.add(field)
    return frozenset(said)


@dataclass(frozen=True, slots=True)
class _Read:
    person: Person
    line: int


def _read_row(table: CsvTable, row: CsvRow, issues: list[Issue]) -> _Read | None:
    staff_id = row.get("Staff ID")
    name = f"{row.get('Forename')} {row.get('Surname')}".strip()
    where = f"{table.file}, line {row.line}"
    raw_role = row.get("Role")
    role = _ROLES.get(raw_role.lower())
    entity: Role = role or "staff"
    if role is None:
        role = "staff"
        issues.append(
            Issue(
                entity,
                name,
                f"{where}: Role '{raw_role[:30]}' is not teacher or staff; staff was used",
                staff_id,
                staff_id,
                severity="warning",
            )
        )
    missing = [column for column in REQUIRED if not row.get(column)]
    problem = None
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        problem = f"{' and '.join(missing)} {verb} empty; the row was not used"
    elif row.extra:
        # Empty cells past the header are Excel's doing and harmless; values there mean an
        # unquoted comma shifted the row, and every column after it is wrong.
        problem = (
            "the row has more values than the header has columns (a comma inside a value "
            "that is not in quotes?); the row was not used"
        )
    if problem is not None:
        issues.append(Issue(entity, name, f"{where}: {problem}", staff_id, staff_id))
        return None
    email = _email(row, where, entity, name, staff_id, issues)
    return _Read(
        Person(
            role=role,
            source_id=staff_id,
            mis_id=staff_id,
            forename=row.get("Forename"),
            surname=row.get("Surname"),
            title=blank_to_none(row.get("Title")),
            email=email or None,
            date_of_birth=_date_of_birth(row, where, entity, name, staff_id, issues),
            # A stored person keeps the email they had: blanking it would lose their sign-in.
            unreadable=frozenset({"email"}) if email == "" else frozenset(),
        ),
        row.line,
    )


def _email(
    row: CsvRow, where: str, entity: Role, name: str, staff_id: str, issues: list[Issue]
) -> str | None:
    """The row's email; None for none, "" for one that is not an address (with a warning)."""
    value = row.get("Email")
    try:
        return parse_email(value)
    except ValueError:
        issues.append(
            Issue(
                entity,
                name,
                f"{where}: Email '{value[:60]}' is not a valid email address; the email was "
                "left as it was",
                staff_id,
                staff_id,
                severity="warning",
            )
        )
        return ""


def _date_of_birth(
    row: CsvRow, where: str, entity: Role, name: str, staff_id: str, issues: list[Issue]
) -> dt.date | None:
    value = row.get("Date of birth")
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        issues.append(
            Issue(
                entity,
                name,
                f"{where}: Date of birth '{value[:30]}' is not a date (2024-03-09 or "
                "09/03/2024); it was left blank",
                staff_id,
                staff_id,
                severity="warning",
            )
        )
        return None


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    for other in (";", "\t"):
        if other in header:
            return other
    return ","
