"""Existing accounts for a sandbox school, as a product would have them before its MIS link:
built from what the MIS itself says, with the variations people type (the test names which)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from schoolsync.model import Person, SchoolClass, Snapshot


@dataclass
class Existing:
    users: list[dict[str, str]] = field(default_factory=list)
    classes: list[dict[str, str]] = field(default_factory=list)
    memberships: list[dict[str, str]] = field(default_factory=list)

    def user(self, person: Person, username: str, **overrides: str) -> str:
        row = {
            "username": username,
            "email": "",
            "forename": person.forename,
            "surname": person.surname,
            "role": person.role,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
            "year_group": person.year_group or "",
            "upn": "",
        }
        row.update(overrides)
        self.users.append(row)
        return username

    def school_class(self, class_id: str, name: str, usernames: Iterable[str]) -> None:
        self.classes.append({"class_id": class_id, "name": name, "code": ""})
        for username in usernames:
            self.memberships.append({"class_id": class_id, "username": username, "role": "student"})

    def files(self) -> tuple[tuple[str, bytes], tuple[str, bytes], tuple[str, bytes]]:
        return (
            ("users.csv", _csv(self.users)),
            ("classes.csv", _csv(self.classes)),
            ("memberships.csv", _csv(self.memberships)),
        )


def _csv(rows: Sequence[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    # Excel's "CSV UTF-8": a byte-order mark first
    return b"\xef\xbb\xbf" + buffer.getvalue().encode()


def form_classes(snapshot: Snapshot, count: int) -> list[SchoolClass]:
    """Classes named like forms (no slash), with pupils."""
    found = [c for c in snapshot.classes if "/" not in c.name and len(c.student_ids) >= 5]
    return found[:count]


def pupils_of(snapshot: Snapshot, school_class: SchoolClass) -> list[Person]:
    by_id = {p.source_id: p for p in snapshot.people}
    return [by_id[s] for s in school_class.student_ids if s in by_id]


def variant(person: Person, index: int) -> dict[str, str]:
    """What a product might have typed for this pupil, by index: the UPN, a short forename, a
    double-barrelled surname, no date of birth (ambiguous), or the name exactly."""
    if index == 0:
        return {"upn": person.upn or ""}
    if index == 1:
        return {"forename": person.forename[:3] if len(person.forename) > 4 else person.forename}
    if index == 2:
        return {"surname": f"{person.surname}-Smith"}
    if index == 3:
        return {"date_of_birth": ""}
    return {}


BIRTHDAY_NOBODY_HAS = dt.date(2001, 1, 1)
