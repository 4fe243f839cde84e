"""List filters from the query string: which stored records a list endpoint returns.

`updated_after` is inclusive and `updated_before` exclusive, both on the top-level record's
`updated_at`: Wonde's timestamps have whole seconds, so an exclusive `after` would lose a change
made in the same second as the client's last sync, and a sandbox should not hide that class of
bug behind a lucky clock. Records whose `updated_at` is unreadable (a test broke it on purpose)
are kept: the sandbox serves what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from schoolsync.sandbox.datetimes import parse_filter_time, stamp_text
from schoolsync.sandbox.state import SandboxSchool

Record = dict[str, Any]
Predicate = Callable[[str, Record], bool]


class FilterError(ValueError):
    """A filter value the sandbox cannot read; the server answers 422 naming the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def _flag(parameter: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes"):
        return True
    if lowered in ("0", "false", "no"):
        return False
    raise FilterError(parameter, f"{parameter} must be true or false, not {value!r}")


def _csv(value: str) -> set[str]:
    return {part.strip() for part in value.split(",") if part.strip()}


def time_window(params: Mapping[str, str], field: str = "updated_at") -> list[Predicate]:
    predicates: list[Predicate] = []
    for parameter, inclusive_after in (("updated_after", True), ("updated_before", False)):
        raw = params.get(parameter)
        if raw is None or not raw.strip():
            continue
        try:
            bound = parse_filter_time(raw)
        except ValueError as error:
            raise FilterError(
                parameter, f"{parameter} must look like 'YYYY-MM-DD HH:MM:SS', not {raw!r}"
            ) from error

        def within(
            _: str, record: Record, bound: str = bound, after: bool = inclusive_after
        ) -> bool:
            text = stamp_text(record.get(field))
            if text is None:
                return True
            return text >= bound if after else text < bound

        predicates.append(within)
    return predicates


def _per_kind(school: SandboxSchool, kind: str, params: Mapping[str, str]) -> list[Predicate]:
    predicates: list[Predicate] = []
    value = params.get

    if (raw := value("only_mis_ids")) is not None and kind in ("students", "employees", "contacts"):
        wanted = _csv(raw)
        predicates.append(lambda _, r: str(r.get("mis_id")) in wanted)
    if (raw := value("only_upns")) is not None and kind == "students":
        upns = _csv(raw)
        predicates.append(lambda i, _: (school.education_details.get(i) or {}).get("upn") in upns)
    if kind == "groups" and (raw := value("type")) is not None:
        types = {t.upper() for t in _csv(raw)}
        predicates.append(lambda _, r: str(r.get("type", "")).upper() in types)
    if kind == "classes":
        if (raw := value("class_subject")) is not None:
            subjects = _csv(raw)
            predicates.append(lambda _, r: r.get("subject") in subjects)
        if (raw := value("class_name")) is not None:
            name = raw.strip().lower()
            predicates.append(lambda _, r: str(r.get("name", "")).lower() == name)
    if kind == "subjects":
        if (raw := value("subject_code")) is not None:
            code = raw.strip().lower()
            predicates.append(lambda _, r: str(r.get("code", "")).lower() == code)
        if (raw := value("subject_name")) is not None:
            name = raw.strip().lower()
            predicates.append(lambda _, r: name in str(r.get("name", "")).lower())
    for parameter, memberships in (
        ("has_students", school.class_students if kind == "classes" else school.group_students),
        ("has_employees", school.class_employees if kind == "classes" else school.group_employees),
    ):
        if kind in ("classes", "groups") and (raw := value(parameter)) is not None:
            predicates.append(_has_members(memberships, _flag(parameter, raw)))
    return predicates


def _has_members(memberships: dict[str, list[str]], wanted: bool) -> Predicate:
    return lambda record_id, _: bool(memberships.get(record_id)) is wanted


def select(school: SandboxSchool, kind: str, params: Mapping[str, str]) -> list[str]:
    """Ids of the records a list endpoint returns, in stored order."""
    records = school.collection(kind)
    predicates = time_window(params) + _per_kind(school, kind, params)
    if not predicates:
        return list(records)
    return [i for i, r in records.items() if all(p(i, r) for p in predicates)]


def select_deletions(params: Mapping[str, str], deletions: list[Record]) -> list[Record]:
    """Deletions filtered by `type` (comma list) and by time on `deleted_at`."""
    predicates = time_window(params, field="deleted_at")
    if (raw := params.get("type")) is not None:
        types = {t.lower() for t in _csv(raw)}
        predicates.append(lambda _, r: str(r.get("type", "")).lower() in types)
    return [d for d in deletions if all(p("", d) for p in predicates)]
