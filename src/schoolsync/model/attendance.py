"""Attendance write-back's values: the school's codes and reasons, its session times, a mark.

A *mark* is one pupil arriving late or leaving early, with the time and the reason, as the
school records it at reception; it is written back to the MIS as session attendance (AM or PM,
an attendance code, minutes late, a comment).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["late", "early"]
DIRECTIONS: tuple[Direction, ...] = ("late", "early")
Session = Literal["AM", "PM"]

#: A mark's life in the outbox: stored, sent (the MIS has a write-back id), confirmed by the
#: MIS, or failed (with the reason).
MARK_STATUSES = ("queued", "sent", "confirmed", "failed")
MARK_STATUS_LABELS = {
    "queued": "Waiting to be sent",
    "sent": "Sent, waiting for the MIS",
    "confirmed": "In the MIS",
    "failed": "Not written to the MIS",
}
DIRECTION_LABELS = {"late": "Arrived late", "early": "Left early"}


@dataclass(frozen=True, slots=True)
class AttendanceCode:
    """One code of the school's MIS, as Wonde serves it: match on the DfE letter."""

    id: str
    code: str
    description: str
    type: str = ""


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason the school defined for reception, written back as `code` (a letter)."""

    label: str
    code: str


@dataclass(frozen=True, slots=True)
class SessionTimes:
    """When registers open and close, morning and afternoon (school-local times)."""

    am_start: dt.time = dt.time(8, 40)
    am_close: dt.time = dt.time(9, 10)
    pm_start: dt.time = dt.time(13, 15)
    pm_close: dt.time = dt.time(13, 45)


@dataclass(frozen=True, slots=True)
class AttendanceSetup:
    """A school's attendance settings and what its MIS offers."""

    times: SessionTimes = SessionTimes()
    #: The MIS's codes; empty until read from the MIS.
    codes: tuple[AttendanceCode, ...] = ()
    #: The school's own reasons; none means reception picks from the MIS's codes.
    reasons: tuple[Reason, ...] = ()
    #: Codes switched off for this site (letters).
    disabled_codes: frozenset[str] = frozenset()
    #: Switch off every code no reason uses ("disable unused codes").
    disable_unused: bool = False
    #: What the MIS said of `allows_writeback` when codes were last read; None: not yet read.
    allows_writeback: bool | None = None
    codes_read_at: dt.datetime | None = None

    def code(self, letter: str) -> AttendanceCode | None:
        return next((c for c in self.codes if c.code == letter), None)

    def enabled(self, letter: str) -> bool:
        if letter in self.disabled_codes:
            return False
        return not self.disable_unused or any(r.code == letter for r in self.reasons)


@dataclass(frozen=True, slots=True)
class Choice:
    """What reception picks: a reason's label (or a code's description) and its code."""

    label: str
    code: AttendanceCode


@dataclass(frozen=True, slots=True)
class MarkDraft:
    """A mark as decided from a sign-in, ready for the outbox."""

    direction: Direction
    occurred_at: dt.datetime
    date: dt.date
    session: Session
    minutes_late: int | None
    reason: str
    code: AttendanceCode
    comment: str
    notes: tuple[str, ...] = field(default=())
