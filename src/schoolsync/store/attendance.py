"""A school's attendance settings and its MIS's codes (table `attendance_setups`).

Settings are JSON so that a new one needs no migration: session times as "HH:MM", reasons as
`{"label", "code"}`, codes switched off as letters. Unknown keys are refused, as a school's
other settings are, so that a typo never silently does nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from schoolsync.errors import ConfigError
from schoolsync.model.attendance import AttendanceCode, AttendanceSetup, Reason, SessionTimes
from schoolsync.store.attendance_tables import attendance_setups
from schoolsync.store.schools import as_utc

_TIMES = ("am_start", "am_close", "pm_start", "pm_close")
_SETTINGS = {*_TIMES, "reasons", "disabled_codes", "disable_unused"}


def load_setup(conn: sa.Connection, school_id: int) -> AttendanceSetup:
    row = (
        conn.execute(sa.select(attendance_setups).where(attendance_setups.c.school_id == school_id))
        .mappings()
        .first()
    )
    if row is None:
        return AttendanceSetup()
    return replace(
        settings_from_json(row["settings"]),
        codes=tuple(AttendanceCode(**code) for code in row["codes"]),
        allows_writeback=row["allows_writeback"],
        codes_read_at=as_utc(row["codes_read_at"]),
    )


def save_setup(
    conn: sa.Connection, school_id: int, setup: AttendanceSetup, now: dt.datetime
) -> None:
    values = {
        "settings": settings_json(setup),
        "codes": [
            {"id": c.id, "code": c.code, "description": c.description, "type": c.type}
            for c in setup.codes
        ],
        "allows_writeback": setup.allows_writeback,
        "codes_read_at": setup.codes_read_at,
        "updated_at": now,
    }
    updated = conn.execute(
        sa.update(attendance_setups)
        .where(attendance_setups.c.school_id == school_id)
        .values(**values)
    )
    if updated.rowcount == 0:
        conn.execute(sa.insert(attendance_setups).values(school_id=school_id, **values))


def settings_json(setup: AttendanceSetup) -> dict[str, Any]:
    times = {name: getattr(setup.times, name).strftime("%H:%M") for name in _TIMES}
    return {
        **times,
        "reasons": [{"label": r.label, "code": r.code} for r in setup.reasons],
        "disabled_codes": sorted(setup.disabled_codes),
        "disable_unused": setup.disable_unused,
    }


def settings_from_json(data: dict[str, Any]) -> AttendanceSetup:
    unknown = set(data) - _SETTINGS
    if unknown:
        raise ConfigError(f"Unknown attendance setting(s): {', '.join(sorted(unknown))}")
    times = SessionTimes(**{name: parse_time(data[name], name) for name in _TIMES if name in data})
    return AttendanceSetup(
        times=times,
        reasons=tuple(Reason(r["label"], r["code"]) for r in data.get("reasons", [])),
        disabled_codes=frozenset(data.get("disabled_codes", [])),
        disable_unused=bool(data.get("disable_unused", False)),
    )


def parse_time(text: str, name: str) -> dt.time:
    try:
        hours, minutes = str(text).strip().split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(f"{name} must be a time as HH:MM (24-hour), not {text!r}") from None
