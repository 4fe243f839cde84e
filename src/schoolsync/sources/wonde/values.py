"""Single values inside Wonde records (decoded JSON), read leniently. Pure: no I/O.

Wonde sends DateTime objects or plain dates, flags as booleans or Y/N strings, relations
wrapped as `{"data": ...}` or missing altogether (specs/wonde-api.md §10); these read each
such value, and `records` builds domain values from them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from schoolsync.errors import SourceDataError
from schoolsync.model import Attendance, ContactLink, SenNeed


def text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return None
    text = str(value).strip()
    return text or None


def flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in {"true", "t", "y", "yes", "1"}:
        return True
    if text in {"false", "f", "n", "no", "0"}:
        return False
    return None


def date(value: Any) -> dt.date | None:
    """A Wonde date: a DateTime object in the school's zone, or a plain string."""
    if isinstance(value, dict):
        value = value.get("date")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def given(value: Any) -> bool:
    """Whether the source sent a value at all (a DateTime object counts by its `date`)."""
    if isinstance(value, dict):
        value = value.get("date")
    return value is not None and str(value).strip() != ""


def shown(value: Any) -> str:
    """A bad value as the school may see it in its issues: short, whatever its type."""
    if isinstance(value, dict):
        value = value.get("date")
    return str(value)[:30]


def related_one(record: dict[str, Any], name: str) -> dict[str, Any]:
    wrapped = record.get(name)
    if isinstance(wrapped, dict):
        data = wrapped.get("data")
        if isinstance(data, dict):
            return data
    return {}


def related_list(record: dict[str, Any], name: str) -> list[Any]:
    wrapped = record.get(name)
    if isinstance(wrapped, dict):
        data = wrapped.get("data")
        if isinstance(data, list):
            return data
    return []


def member_ids(record: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
    ids = []
    for index, member in enumerate(related_list(record, name)):
        if isinstance(member, dict) and member.get("id"):
            ids.append(str(member["id"]))
        elif isinstance(member, str):
            ids.append(member)
        else:
            raise SourceDataError(f"Member {index + 1} of {name} in {where} from Wonde has no id")
    return tuple(dict.fromkeys(ids))


def email(record: dict[str, Any]) -> str | None:
    emails = related_one(record, "contact_details").get("emails")
    if not isinstance(emails, dict):
        return None
    for key in ("email", "primary", "work", "home"):
        value = text(emails.get(key))
        if value:
            return value.lower()
    return None


def sen_needs(record: dict[str, Any]) -> tuple[SenNeed, ...]:
    needs = []
    for position, need in enumerate(related_list(record, "sen_needs"), start=1):
        if not isinstance(need, dict):
            continue
        code = text(need.get("type")) or text(need.get("code"))
        if not code:
            continue
        rank = need.get("rank")
        needs.append(SenNeed(code.upper(), int(rank) if isinstance(rank, int) else position))
    return tuple(sorted(needs, key=lambda n: n.rank))


def attendance(record: dict[str, Any]) -> Attendance | None:
    summary = related_one(record, "attendance_summary")
    if not summary:
        return None

    def number(*keys: str) -> int:
        for key in keys:
            value = summary.get(key)
            if isinstance(value, int | float):
                return int(value)
        return 0

    return Attendance(
        possible=number("possible_marks", "possible"),
        present=number("present_marks", "present"),
        authorised=number("authorised_absence_marks", "authorised_absences"),
        unauthorised=number("unauthorised_absence_marks", "unauthorised_absences"),
        late=number("late_marks", "late"),
        unexplained=number("unexplained_absence_marks", "unexplained_absences"),
    )


def contact_link(pupil_id: str, contact_id: str, record: dict[str, Any]) -> ContactLink:
    relation = record.get("relationship")
    if isinstance(relation, dict) and isinstance(relation.get("data"), dict):
        relation = relation["data"]
    if not isinstance(relation, dict):
        relation = {}
    priority = relation.get("priority")
    return ContactLink(
        pupil_source_id=pupil_id,
        contact_source_id=contact_id,
        relationship=text(relation.get("relationship")),
        priority=int(priority) if isinstance(priority, int | float) else None,
        parental_responsibility=flag(relation.get("parental_responsibility")),
        lives_with_pupil=flag(relation.get("lives_with_pupil")),
    )
