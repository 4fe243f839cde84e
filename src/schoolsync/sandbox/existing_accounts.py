"""The accounts, classes and class lists a product already had for a sandbox school before its
MIS link, written by hand over the years: the files `schoolsync import-existing` reads, with
the variations real ones have planted in them, and the truth about who is who (for tests and
bench/matching_quality.py).

Planted, each with its share of pupils: the UPN copied in; a short forename (Jon for Jonathan,
Alex for Alexander); one half of a double-barrelled surname, or a second half added; accents
dropped; a typo; no date of birth; and no account at all (new to the product). Decoys: accounts
of pupils who left (nobody in the MIS) and namesakes with another date of birth.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from schoolsync.sandbox.state import SandboxSchool

USER_FIELDS = (
    "username",
    "email",
    "forename",
    "surname",
    "role",
    "date_of_birth",
    "year_group",
    "upn",
)

#: the share of pupils with each variation (a pupil can have more than one)
SHARES = {
    "upn": 0.3,
    "short_forename": 0.1,
    "surname_part": 0.08,
    "no_accents": 0.5,
    "typo": 0.05,
    "no_birthday": 0.05,
    "no_account": 0.1,
}
_SHORT = {
    "jonathan": "Jon",
    "alexander": "Alex",
    "alexandra": "Alex",
    "william": "Will",
    "thomas": "Tom",
    "samuel": "Sam",
    "benjamin": "Ben",
    "daniel": "Dan",
    "matthew": "Matt",
    "elizabeth": "Liz",
    "katherine": "Kate",
    "rebecca": "Becky",
    "joshua": "Josh",
    "charlotte": "Lottie",
    "eleanor": "Ellie",
    "isabella": "Izzy",
    "frederick": "Freddie",
    "oliver": "Ollie",
    "theodore": "Theo",
    "nicholas": "Nick",
    "jessica": "Jess",
}


@dataclass
class ExistingAccounts:
    users: list[dict[str, str]] = field(default_factory=list)
    classes: list[dict[str, str]] = field(default_factory=list)
    memberships: list[dict[str, str]] = field(default_factory=list)
    #: username -> the Wonde id of the pupil it belongs to (None: nobody in the MIS)
    truth: dict[str, str | None] = field(default_factory=dict)
    #: the variations planted, by username
    planted: dict[str, list[str]] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        return {
            "users.csv": _csv(USER_FIELDS, self.users),
            "classes.csv": _csv(("class_id", "name", "code"), self.classes),
            "memberships.csv": _csv(("class_id", "username", "role"), self.memberships),
        }


def existing_accounts(school: SandboxSchool, seed: int = 1) -> ExistingAccounts:
    rng = random.Random(seed)
    found = ExistingAccounts()
    usernames: dict[str, str] = {}
    for number, (student_id, record) in enumerate(school.students.items(), 1):
        if rng.random() < SHARES["no_account"]:
            continue
        username = f"{_fold(str(record['forename']))[:8]}{number}"
        row, planted = _pupil_row(school, student_id, record, username, rng)
        found.users.append(row)
        found.truth[username] = student_id
        found.planted[username] = planted
        usernames[student_id] = username
    for number, record in enumerate(
        list(school.students.values())[: max(2, len(school.students) // 30)]
    ):
        username = f"left{number}"  # a leaver's account, and a namesake born another year
        found.users.append(
            {
                **_blank(),
                "username": username,
                "forename": str(record["forename"]),
                "surname": str(record["surname"]),
                "role": "student",
                "date_of_birth": f"{2000 + number % 5}-01-0{1 + number % 9}",
            }
        )
        found.truth[username] = None
        found.planted[username] = ["decoy"]
    for number, (class_id, record) in enumerate(school.classes.items(), 1):
        if rng.random() < 0.2:
            continue  # a class the product never had
        product_id = f"band-{number}"
        name = str(record["name"])
        name = name.replace("/", " ") if "/" in name else f"{name} class"
        found.classes.append({"class_id": product_id, "name": name, "code": ""})
        for student in school.class_students.get(class_id, []):
            if student in usernames:
                found.memberships.append(
                    {"class_id": product_id, "username": usernames[student], "role": "student"}
                )
    return found


def _pupil_row(
    school: SandboxSchool,
    student_id: str,
    record: dict[str, Any],
    username: str,
    rng: random.Random,
) -> tuple[dict[str, str], list[str]]:
    education = school.education_details.get(student_id) or {}
    forename, surname = str(record["forename"]), str(record["surname"])
    planted: list[str] = []
    if rng.random() < SHARES["short_forename"]:
        short = _SHORT.get(forename.casefold()) or (forename[:3] if len(forename) > 5 else None)
        if short:
            forename = short
            planted.append("short_forename")
    if rng.random() < SHARES["surname_part"]:
        parts = surname.replace(" ", "-").split("-")
        surname = (
            parts[0] if len(parts) > 1 else f"{surname}-{rng.choice(['Smith', 'Khan', 'Jones'])}"
        )
        planted.append("surname_part")
    if rng.random() < SHARES["no_accents"] and _plain(forename + surname) != forename + surname:
        forename, surname = _plain(forename), _plain(surname)
        planted.append("no_accents")
    if rng.random() < SHARES["typo"] and len(surname) > 4:
        i = rng.randrange(1, len(surname) - 2)
        surname = surname[:i] + surname[i + 1] + surname[i] + surname[i + 2 :]
        planted.append("typo")
    birthday = str((record.get("date_of_birth") or {}).get("date", ""))[:10]
    if rng.random() < SHARES["no_birthday"]:
        birthday = ""
        planted.append("no_birthday")
    upn = ""
    if rng.random() < SHARES["upn"]:
        upn = str(education.get("upn") or "")
        planted.append("upn")
    row = {
        **_blank(),
        "username": username,
        "forename": forename,
        "surname": surname,
        "role": "student",
        "date_of_birth": birthday,
        "year_group": str(education.get("current_nc_year") or ""),
        "upn": upn,
    }
    return row, planted


def _blank() -> dict[str, str]:
    return dict.fromkeys(USER_FIELDS, "")


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _fold(text: str) -> str:
    return "".join(c for c in _plain(text).lower() if c.isalnum())


def _csv(fields: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()
