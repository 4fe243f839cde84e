"""Reading a product's existing accounts, classes and class lists from CSV files. Pure: text in,
values or one error naming every bad line out (nothing is saved from files with errors).

Columns are found by name in any order; unknown columns are ignored; a byte-order mark is
fine. The columns are documented in docs/existing-accounts.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import TypeVar, cast

from schoolsync.errors import BadInput, FileFormatError
from schoolsync.model.existing import (
    ExistingClass,
    ExistingData,
    ExistingMembership,
    ExistingRole,
    ExistingUser,
)
from schoolsync.sources.files.csv import Column, CsvRow, read_csv_table
from schoolsync.sources.files.text import decode_text

USER_COLUMNS = (
    Column("username", required=True),
    Column("email"),
    Column("forename", ("first_name", "firstname"), required=True),
    Column("surname", ("last_name", "lastname"), required=True),
    Column("role", required=True),
    Column("date_of_birth", ("dob", "birth_date")),
    Column("year_group", ("year",)),
    Column("upn"),
)
CLASS_COLUMNS = (Column("class_id", required=True), Column("name", required=True), Column("code"))
MEMBERSHIP_COLUMNS = (
    Column("class_id", required=True),
    Column("username", required=True),
    Column("role"),
)
USER_ROLES = ("student", "teacher", "staff")
MEMBER_ROLES = ("student", "teacher")

T = TypeVar("T")


class _Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, file: str, row: CsvRow, message: str) -> None:
        self.lines.append(f"{file}, line {row.line}: {message}")


def read_existing(
    users: tuple[str, bytes],
    classes: tuple[str, bytes] | None = None,
    memberships: tuple[str, bytes] | None = None,
    *,
    known_usernames: Collection[str] = (),
    known_class_ids: Collection[str] = (),
) -> ExistingData:
    """Each file as (name, bytes). `known_*` are what the store already holds for the school:
    a username already there is a second account (refused); a class list may name a class or
    user loaded before."""
    problems = _Problems()
    read_users = _rows(users, USER_COLUMNS, problems, lambda r, p: _user(users[0], r, p))
    taken = {name.casefold() for name in known_usernames}
    seen: dict[str, int] = {}
    for row, user in read_users:
        key = user.username.casefold()
        if key in taken:
            problems.add(users[0], row, f"username {user.username!r} is already an account here")
        elif key in seen:
            problems.add(users[0], row, f"username {user.username!r} is also on line {seen[key]}")
        seen.setdefault(key, row.line)
    read_classes = (
        _rows(classes, CLASS_COLUMNS, problems, lambda r, p: _class(classes[0], r, p))
        if classes
        else []
    )
    class_ids = {c.class_id for _, c in read_classes} | set(known_class_ids)
    lines: dict[str, int] = {}
    for row, found in read_classes:
        if found.class_id in lines or found.class_id in known_class_ids:
            problems.add(
                cast(tuple[str, bytes], classes)[0],
                row,
                f"class_id {found.class_id!r} is listed twice",
            )
        lines.setdefault(found.class_id, row.line)
    usernames = set(seen) | taken
    read_members = (
        _rows(
            memberships,
            MEMBERSHIP_COLUMNS,
            problems,
            lambda r, p: _membership(memberships[0], r, p, class_ids, usernames),
        )
        if memberships
        else []
    )
    if problems.lines:
        count = len(problems.lines)
        raise BadInput(
            f"{count} problem{'s' if count != 1 else ''} in the existing accounts; nothing was "
            "saved:\n" + "\n".join(problems.lines)
        )
    return ExistingData(
        tuple(u for _, u in read_users),
        tuple(c for _, c in read_classes),
        tuple(m for _, m in read_members),
    )


def _rows(
    file: tuple[str, bytes],
    columns: tuple[Column, ...],
    problems: _Problems,
    make: Callable[[CsvRow, _Problems], T | None],
) -> list[tuple[CsvRow, T]]:
    name, data = file
    try:
        table = read_csv_table(decode_text(data, name), name, columns)
    except FileFormatError as exc:
        problems.lines.append(str(exc))
        return []
    found: list[tuple[CsvRow, T]] = []
    for row in table.rows:
        value = make(row, problems)
        if value is not None:
            found.append((row, value))
    return found


def _required(file: str, row: CsvRow, problems: _Problems, *names: str) -> bool:
    missing = [name for name in names if not row.get(name)]
    for name in missing:
        problems.add(file, row, f"{name} is empty")
    return not missing


def _user(file: str, row: CsvRow, problems: _Problems) -> ExistingUser | None:
    if not _required(file, row, problems, "username", "forename", "surname", "role"):
        return None
    role = row.get("role").casefold()
    if role not in USER_ROLES:
        problems.add(file, row, f"role {row.get('role')!r} is not one of {', '.join(USER_ROLES)}")
        return None
    birthday = None
    if row.get("date_of_birth"):
        birthday = _date(row.get("date_of_birth"))
        if birthday is None:
            problems.add(
                file,
                row,
                f"date_of_birth {row.get('date_of_birth')!r} is not a date (YYYY-MM-DD or "
                "DD/MM/YYYY)",
            )
            return None
    email = row.get("email") or None
    if email and "@" not in email:
        problems.add(file, row, f"email {email!r} is not an email address")
        return None
    return ExistingUser(
        username=row.get("username"),
        forename=row.get("forename"),
        surname=row.get("surname"),
        role=cast(ExistingRole, role),
        email=email,
        date_of_birth=birthday,
        year_group=row.get("year_group") or None,
        upn=row.get("upn").upper() or None,
    )


def _date(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _class(file: str, row: CsvRow, problems: _Problems) -> ExistingClass | None:
    if not _required(file, row, problems, "class_id", "name"):
        return None
    return ExistingClass(row.get("class_id"), row.get("name"), row.get("code") or None)


def _membership(
    file: str, row: CsvRow, problems: _Problems, class_ids: set[str], usernames: set[str]
) -> ExistingMembership | None:
    if not _required(file, row, problems, "class_id", "username"):
        return None
    role = (row.get("role") or "student").casefold()
    if role not in MEMBER_ROLES:
        problems.add(file, row, f"role {row.get('role')!r} is not one of student, teacher")
        return None
    if row.get("class_id") not in class_ids:
        problems.add(file, row, f"class_id {row.get('class_id')!r} is not in the classes")
        return None
    if row.get("username").casefold() not in usernames:
        problems.add(file, row, f"username {row.get('username')!r} is not in the users")
        return None
    return ExistingMembership(
        row.get("class_id"), row.get("username"), "teacher" if role == "teacher" else "student"
    )
