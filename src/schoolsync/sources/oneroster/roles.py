"""OneRoster's words for roles and grades, in schoolsync's terms. Pure.

- Role: student -> student; teacher -> teacher; administrator, aide, counselor, principal,
  proctor and the other adult roles -> staff; parent, guardian and relative -> contact.
- A 1.2 user's role comes from roles.csv (`role_words`): the primary role, a secondary one only
  when a user has no primary.
- `grades` give a pupil's year group ("07" -> "7", "KG" -> "R"), the inverse of the export's.
"""

from __future__ import annotations

from schoolsync.model import Role
from schoolsync.sources.files.values import parse_count
from schoolsync.sources.oneroster.tables import Table, row_state
from schoolsync.sources.oneroster.vocab import GRADES

ROLES: dict[str, Role] = {
    "student": "student",
    "teacher": "teacher",
    "administrator": "staff",
    "aide": "staff",
    "counselor": "staff",
    "districtadministrator": "staff",
    "principal": "staff",
    "proctor": "staff",
    "siteadministrator": "staff",
    "systemadministrator": "staff",
    "parent": "contact",
    "guardian": "contact",
    "relative": "contact",
}

#: CEDS grade -> National Curriculum year: the inverse of what the OneRoster export writes.
YEARS: dict[str, str] = {grade: year for year, grade in GRADES.items()}


def year_of_grade(grade: str) -> str | None:
    """ "07" (or "7", as Excel leaves it) -> "7"; "KG" -> "R"; None for a grade with no year."""
    number = parse_count(grade)
    return YEARS.get(f"{number:02d}" if number is not None else grade.strip().upper())


def role_words(roles: Table | None) -> dict[str, str]:
    """A user's role from roles.csv: the first active primary role, else the first active one,
    else (for a user whose roles a delta deletes with them) the first deleted one."""
    if roles is None:
        return {}
    # Lowest rank wins: active primary, active secondary, deleted.
    ranked: dict[str, tuple[int, str]] = {}
    for row in roles.csv.rows:
        user, word, state = row.get("userSourcedId"), row.get("role"), row_state(row)
        if not user or not word or state is None:
            continue
        rank = 2 if state == "deleted" else 0 if row.get("roleType").lower() == "primary" else 1
        if user not in ranked or rank < ranked[user][0]:
            ranked[user] = (rank, word)
    return {user: word for user, (_, word) in ranked.items()}
