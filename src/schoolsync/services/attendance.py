"""Late arrivals and early leavers: the school's attendance settings, its MIS's codes, signing
a pupil in or out (the mark is stored in the outbox before anything is sent), and the log.

The sender (`services/writeback_sender.py`) takes it from the outbox to the MIS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.engine.attendance import choices, draft_mark
from schoolsync.errors import ConfigError, MarkRefused, SourceError
from schoolsync.model.attendance import (
    DIRECTIONS,
    MARK_STATUS_LABELS,
    MARK_STATUSES,
    AttendanceSetup,
    Choice,
    Direction,
    MarkDraft,
)
from schoolsync.store import attendance as setup_store
from schoolsync.store import mark_log, pupil_lookup
from schoolsync.store import marks as mark_store
from schoolsync.store import schools as school_store
from schoolsync.store.mark_log import MarkRow
from schoolsync.store.pupil_lookup import PupilRef
from schoolsync.store.schools import School


@dataclass(frozen=True, slots=True)
class SignedIn:
    mark_id: int
    pupil: str
    draft: MarkDraft


@dataclass(frozen=True, slots=True)
class Reception:
    """What the reception page and the API offer a school."""

    school: School
    setup: AttendanceSetup
    choices: list[Choice]


def setup_of(engine: sa.Engine, key: str) -> Reception:
    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        setup = setup_store.load_setup(conn, school.id)
    return Reception(school, setup, choices(setup))


def configure(
    engine: sa.Engine,
    key: str,
    now: dt.datetime,
    *,
    times: dict[str, str] | None = None,
    reasons: Sequence[str] | None = None,
    disable_unused: bool | None = None,
    disable_codes: Sequence[str] = (),
    enable_codes: Sequence[str] = (),
) -> AttendanceSetup:
    """Change a school's attendance settings. `reasons` as "Label=CODE" (replaces the list);
    every value is checked before anything is saved."""
    with engine.begin() as conn:
        school = school_store.get_school(conn, key)
        setup = setup_store.load_setup(conn, school.id)
        settings = setup_store.settings_json(setup)
        for name, value in (times or {}).items():
            setup_store.parse_time(value, name)
            settings[name] = value.strip()
        if reasons is not None:
            settings["reasons"] = [_reason(text, setup) for text in reasons]
        if disable_unused is not None:
            settings["disable_unused"] = disable_unused
        unknown = [c for c in (*disable_codes, *enable_codes) if setup.codes and not setup.code(c)]
        if unknown:
            letters = " ".join(c.code for c in setup.codes)
            raise ConfigError(
                f"The MIS has no attendance code {unknown[0]!r}; its codes are {letters}"
            )
        disabled = (set(settings["disabled_codes"]) | set(disable_codes)) - set(enable_codes)
        settings["disabled_codes"] = sorted(disabled)
        changed = setup_store.settings_from_json(settings)
        _check_times(changed)
        setup = replace(
            changed,
            codes=setup.codes,
            allows_writeback=setup.allows_writeback,
            codes_read_at=setup.codes_read_at,
        )
        setup_store.save_setup(conn, school.id, setup, now)
    return setup


def _reason(text: str, setup: AttendanceSetup) -> dict[str, str]:
    label, sep, code = text.rpartition("=")
    if not sep or not label.strip() or not code.strip():
        raise ConfigError(
            f"A reason needs an attendance code: write it as LABEL=CODE, e.g. 'Dentist=M' "
            f"(got {text!r})"
        )
    if setup.codes and setup.code(code.strip()) is None:
        # Refused now, not at reception's first sign-in with it. Before the codes are read
        # (`--refresh`) there is nothing to check against; sign-in refuses it then.
        letters = " ".join(c.code for c in setup.codes)
        raise ConfigError(
            f"Reason {label.strip()!r}: the MIS has no attendance code {code.strip()!r}; "
            f"its codes are {letters} (`--refresh` reads them again)"
        )
    return {"label": label.strip(), "code": code.strip()}


def _check_times(setup: AttendanceSetup) -> None:
    t = setup.times
    if not t.am_start <= t.am_close < t.pm_start <= t.pm_close:
        raise ConfigError(
            "Session times must run in order: morning registers open, close, then afternoon "
            "registers open, close"
        )


def refresh_codes(
    engine: sa.Engine,
    settings: Settings,
    key: str,
    now: dt.datetime,
    transport: httpx.BaseTransport | None = None,
) -> AttendanceSetup:
    """Read the MIS's attendance codes and whether it allows write-back, through Wonde."""
    from schoolsync.sources.wonde.writer import wonde_writer

    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
    with wonde_writer(settings, school, transport) as writer:
        extended = writer.school().get("extended") or {}
        codes = writer.attendance_codes()
    allows = extended.get("allows_writeback") if isinstance(extended, dict) else None
    with engine.begin() as conn:
        setup = setup_store.load_setup(conn, school.id)
        setup = replace(
            setup,
            codes=tuple(codes),
            allows_writeback=bool(allows) if allows is not None else None,
            codes_read_at=now,
        )
        setup_store.save_setup(conn, school.id, setup, now)
    return setup


def find_pupils(engine: sa.Engine, key: str, text: str) -> list[PupilRef]:
    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        return pupil_lookup.search_pupils(conn, school.id, text)


def sign_in(
    engine: sa.Engine,
    settings: Settings | None,
    key: str,
    *,
    pupil: str | int,
    direction: str,
    reason: str,
    now: dt.datetime,
    at: str | dt.datetime | None = None,
    by: str,
    transport: httpx.BaseTransport | None = None,
) -> SignedIn:
    """Record a late arrival or an early leaving: checked, turned into a mark and stored in the
    outbox in one transaction (nothing half-made). `pupil`: a person id (the web page) or an
    MIS id, UPN, username or Wonde id; `at`: "HH:MM" today in the school's time, or a moment;
    none means now. The MIS's codes are read first if they never were."""
    if direction not in DIRECTIONS:
        raise ConfigError(f"Say whether the pupil arrived late or left early (not {direction!r})")
    chosen: Direction = "late" if direction == "late" else "early"
    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        setup = setup_store.load_setup(conn, school.id)
    if school.source_kind != "wonde" or not school.wonde_school_id:
        raise MarkRefused(
            f"School {key} is not connected to its MIS through Wonde, so there is nowhere to "
            "write the mark back to"
        )
    if not setup.codes and settings is not None:
        try:
            setup = refresh_codes(engine, settings, key, now, transport)
        except SourceError as exc:
            raise MarkRefused(
                f"The MIS's attendance codes could not be read, so the mark cannot be coded: {exc}"
            ) from exc
    occurred = _moment(at, now, school.timezone)
    with engine.begin() as conn:
        found = _the_pupil(conn, school.id, pupil)
        if found.status != "active":
            raise MarkRefused(
                f"{found.name} has left the school, so no attendance can be written for them"
            )
        if not found.source_id:
            raise MarkRefused(
                f"{found.name} has no Wonde id (imported from a file only); sync the school with "
                "Wonde first"
            )
        draft = draft_mark(
            setup, direction=chosen, occurred_at=occurred, now=now, zone=school.timezone,
            reason=reason,
        )  # fmt: skip
        mark_id = mark_store.add_mark(
            conn, school_id=school.id, person_id=found.id, student_id=found.source_id,
            draft=draft, created_by=by, now=now,
        )  # fmt: skip
    return SignedIn(mark_id, found.name, draft)


def _the_pupil(conn: sa.Connection, school_id: int, pupil: str | int) -> PupilRef:
    if isinstance(pupil, int):
        by_id = pupil_lookup.pupil_by_id(conn, school_id, pupil)
        if by_id is None:
            raise MarkRefused(f"No pupil {pupil} at this school")
        return by_id
    found = pupil_lookup.find_pupil(conn, school_id, pupil)
    if not found:
        raise MarkRefused(f"No pupil at this school has the MIS id, UPN or username {pupil!r}")
    if len(found) > 1:
        raise MarkRefused(f"{len(found)} pupils match {pupil!r}; give the MIS id instead")
    return found[0]


def _moment(at: str | dt.datetime | None, now: dt.datetime, zone: str) -> dt.datetime:
    if at is None or at == "":
        return now
    if isinstance(at, dt.datetime):
        return at.astimezone(dt.UTC)
    try:
        hours, minutes = at.strip().split(":")
        clock = dt.time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(f"--at must be a time today as HH:MM (24-hour), not {at!r}") from None
    local_today = now.astimezone(ZoneInfo(zone)).date()
    return dt.datetime.combine(local_today, clock, ZoneInfo(zone)).astimezone(dt.UTC)


def log(
    engine: sa.Engine, key: str, *, limit: int = 200, status: str | None = None
) -> tuple[School, list[MarkRow]]:
    """The school's marks, newest first; `status` one of MARK_STATUSES."""
    if status is not None and status not in MARK_STATUSES:
        raise ConfigError(
            f"No mark has the status {status!r}; the statuses are {', '.join(MARK_STATUSES)}"
        )
    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        return school, mark_log.list_marks(conn, school.id, limit=limit, status=status)


def mark_json(row: MarkRow) -> dict[str, object]:
    """A mark as scripts and the API read it."""
    return {
        "id": row.id,
        "pupil": row.pupil,
        "direction": row.direction,
        "at": row.occurred_at.isoformat(),
        "date": row.mark_date.isoformat(),
        "session": row.session,
        "minutes_late": row.minutes_late,
        "reason": row.reason,
        "code": row.code,
        "status": row.status,
        "status_label": MARK_STATUS_LABELS.get(row.status, row.status),
        "attempts": row.attempts,
        "writeback_id": row.writeback_id,
        "problem": row.last_error,
        "recorded_by": row.created_by,
        "recorded_at": row.created_at.isoformat(),
        "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
    }


def reception_json(shown: Reception) -> dict[str, object]:
    """A school's attendance settings and codes as scripts and the API read them."""
    setup = shown.setup
    return {
        **setup_store.settings_json(setup),
        "allows_writeback": setup.allows_writeback,
        "codes": [
            {"code": c.code, "description": c.description, "enabled": setup.enabled(c.code)}
            for c in setup.codes
        ],
        "choices": [{"label": c.label, "code": c.code.code} for c in shown.choices],
    }


def signed_json(signed: SignedIn) -> dict[str, object]:
    draft = signed.draft
    return {
        "mark_id": signed.mark_id, "pupil": signed.pupil, "direction": draft.direction,
        "date": draft.date.isoformat(), "session": draft.session,
        "minutes_late": draft.minutes_late, "reason": draft.reason, "code": draft.code.code,
        "status": "queued", "notes": list(draft.notes),
    }  # fmt: skip


def mark_of(engine: sa.Engine, key: str, mark_id: int) -> MarkRow | None:
    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        return mark_log.get_mark(conn, school.id, mark_id)


def pupil_of(engine: sa.Engine, key: str, person_id: int) -> PupilRef | None:
    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        return pupil_lookup.pupil_by_id(conn, school.id, person_id)


def zone_of(school: School) -> ZoneInfo:
    return ZoneInfo(school.timezone)
