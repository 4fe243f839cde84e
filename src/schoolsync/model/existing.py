"""What a product already had before its MIS link: accounts, classes and class lists, as read
from the files a school gives `import-existing` (docs/existing-accounts.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

ExistingRole = Literal["student", "teacher", "staff"]


@dataclass(frozen=True, slots=True)
class ExistingUser:
    username: str
    forename: str
    surname: str
    role: ExistingRole
    email: str | None = None
    date_of_birth: dt.date | None = None
    year_group: str | None = None
    upn: str | None = None


@dataclass(frozen=True, slots=True)
class ExistingClass:
    class_id: str
    name: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class ExistingMembership:
    class_id: str
    username: str
    role: Literal["student", "teacher"]


@dataclass(frozen=True, slots=True)
class ExistingData:
    users: tuple[ExistingUser, ...] = ()
    classes: tuple[ExistingClass, ...] = ()
    memberships: tuple[ExistingMembership, ...] = ()


@dataclass(frozen=True, slots=True)
class MergedChoices:
    """What a merge decided, which every later sync honours: a person's answers for MIS people
    (an existing account's id, or None for a new account), by MIS id, and the MIS classes left
    alone (No action), by MIS id."""

    answers: dict[str, int | None]
    left_alone: frozenset[str]
