"""Turning a sign-in at reception into an attendance mark: which session, how many minutes
late, which code, what comment; and refusing what must not be written back. Pure.

- The session is the one whose registers opened last: AM before the afternoon register opens,
  PM after it.
- Minutes late count from the session's register opening. A pupil whose reason maps to `L`
  (late before registers close) but who arrives after they closed is written back as `U`
  (late after registers close), the DfE's rule, when the school has `U` switched on.
- The reason is a custom reason (any case), or one of the MIS's codes by its letter or its
  description. A reason whose code the MIS does not have, or a code switched off at this site,
  is refused with the reason and what to do.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from schoolsync.errors import ConfigError, MarkRefused
from schoolsync.model.attendance import (
    AttendanceSetup,
    Choice,
    Direction,
    MarkDraft,
    Session,
    SessionTimes,
)

#: A sign-in stamped this far ahead of the clock is a clock's drift, not a future time.
CLOCK_SLACK = dt.timedelta(minutes=2)


def session_of(moment: dt.time, times: SessionTimes) -> Session:
    return "AM" if moment < times.pm_start else "PM"


def minutes_late(moment: dt.time, times: SessionTimes, session: Session) -> int:
    start = times.am_start if session == "AM" else times.pm_start
    delta = dt.datetime.combine(dt.date.min, moment) - dt.datetime.combine(dt.date.min, start)
    return max(0, int(delta.total_seconds() // 60))


def after_close(moment: dt.time, times: SessionTimes, session: Session) -> bool:
    return moment > (times.am_close if session == "AM" else times.pm_close)


def choices(setup: AttendanceSetup) -> list[Choice]:
    """What reception offers: the school's reasons, then the MIS's codes still switched on."""
    offered: list[Choice] = []
    for reason in setup.reasons:
        code = setup.code(reason.code)
        if code is not None and setup.enabled(code.code):
            offered.append(Choice(reason.label, code))
    for code in setup.codes:
        if setup.enabled(code.code) and not (setup.disable_unused and setup.reasons):
            offered.append(Choice(f"{code.description} ({code.code})", code))
    return offered


def resolve_reason(setup: AttendanceSetup, text: str) -> Choice:
    """The reason (or code) named by `text`; MarkRefused naming it when it cannot be used."""
    wanted = text.strip()
    if not wanted:
        raise MarkRefused("Choose a reason: a pupil's mark needs one for the MIS")
    reason = next((r for r in setup.reasons if r.label.casefold() == wanted.casefold()), None)
    if reason is not None:
        code = setup.code(reason.code)
        if code is None:
            raise MarkRefused(
                f"The reason {reason.label!r} is mapped to code {reason.code!r}, which the MIS "
                "does not have: map it to one of the MIS's codes in the attendance settings"
            )
        _require_enabled(
            setup, code.code, f"The reason {reason.label!r} uses code {code.code!r}, which"
        )
        return Choice(reason.label, code)
    code = setup.code(wanted) or next(
        (c for c in setup.codes if c.description.casefold() == wanted.casefold()), None
    )
    if code is None:
        offered = ", ".join(choice.label for choice in choices(setup))
        raise ConfigError(
            f"{wanted!r} is not one of this school's reasons or attendance codes; choose one "
            f"of: {offered}"
        )
    _require_enabled(setup, code.code, f"Code {code.code!r}")
    return Choice(f"{code.description} ({code.code})", code)


def _require_enabled(setup: AttendanceSetup, letter: str, subject: str) -> None:
    if not setup.enabled(letter):
        raise MarkRefused(
            f"{subject} is switched off at this school; choose another reason or switch the "
            "code on in the attendance settings"
        )


def draft_mark(
    setup: AttendanceSetup,
    *,
    direction: Direction,
    occurred_at: dt.datetime,
    now: dt.datetime,
    zone: str,
    reason: str,
) -> MarkDraft:
    """The mark a sign-in (late) or sign-out (early) at `occurred_at` (UTC) makes."""
    if setup.allows_writeback is False:
        raise MarkRefused(
            "This school's MIS does not allow write-back (Wonde says allows_writeback is "
            "false), so marks cannot reach it: record the late arrival in the MIS itself, "
            "or ask the MIS supplier to enable write-back"
        )
    if not setup.codes:
        raise MarkRefused(
            "The MIS's attendance codes have not been read yet; they are read when the MIS is "
            "online (`schoolsync attendance KEY --refresh`)"
        )
    if occurred_at > now + CLOCK_SLACK:
        # In the school's own time, as reception typed it (a UTC time is an hour off all summer).
        school_time = ZoneInfo(zone)
        raise MarkRefused(
            f"{occurred_at.astimezone(school_time):%H:%M} is in the future (it is "
            f"{now.astimezone(school_time):%H:%M} at the school); a mark records what has "
            "happened"
        )
    choice = resolve_reason(setup, reason)
    local = occurred_at.astimezone(ZoneInfo(zone))
    session = session_of(local.time(), setup.times)
    code, notes = choice.code, []
    late_by: int | None = None
    if direction == "late":
        late_by = minutes_late(local.time(), setup.times, session)
        after = setup.code("U")
        closed = after_close(local.time(), setup.times, session)
        if code.code == "L" and closed and after is not None and setup.enabled("U"):
            code = after
            notes.append("Registers had closed, so the mark is U (late after registers closed)")
    label = choice.label
    verb = "Late arrival" if direction == "late" else "Left early"
    return MarkDraft(
        direction=direction,
        occurred_at=occurred_at,
        date=local.date(),
        session=session,
        minutes_late=late_by,
        reason=label,
        code=code,
        comment=f"{verb} {local:%H:%M}: {label}"[:255],
        notes=tuple(notes),
    )
