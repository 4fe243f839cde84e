"""Write-backs a sandbox accepted: validated like Wonde, then pending until the MIS "takes" them.

A session-attendance POST is checked field by field (422 with Laravel-style errors keyed
`attendance.N.field`, every problem at once, nothing stored); an accepted one gets a
`writeback_id` and is `pending` for `completes_after` seconds, then `completed` (or `failed`,
when a test asked for failures with `fail_next`). Completed marks appear in
`GET attendance/session`.

Idempotency: Wonde's documentation mentions no idempotency key, so a client cannot count on
one. The sandbox honours an `Idempotency-Key` header anyway (the same key for the same school
answers the first write-back's id and stores nothing new) and counts how often that happened,
so tests can show a client resent after a crash without the MIS getting a mark twice.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schoolsync.sandbox.attendance_codes import CODE_IDS
from schoolsync.sandbox.datetimes import wonde_datetime

Record = dict[str, Any]
Errors = dict[str, list[str]]

SESSIONS = ("AM", "PM")
MAX_RECORDS = 1000
MAX_COMMENT = 255


def validate_attendance(
    body: Any, students: set[str] | dict[str, Any], employees: set[str] | dict[str, Any]
) -> Errors:
    """Every field problem of a session-attendance write-back, keyed as Wonde (Laravel) keys
    them; empty when it can be accepted."""
    if not isinstance(body, dict) or "attendance" not in body:
        return {"attendance": ["The attendance field is required."]}
    records = body["attendance"]
    if not isinstance(records, list) or not records:
        return {"attendance": ["The attendance field must be a non-empty array."]}
    if len(records) > MAX_RECORDS:
        return {"attendance": [f"The attendance field may not have more than {MAX_RECORDS} items."]}
    errors: Errors = {}
    for index, record in enumerate(records):
        where = f"attendance.{index}"
        if not isinstance(record, dict):
            errors[where] = ["Each attendance record must be an object."]
            continue
        for name, problem in _record_problems(record, students, employees):
            errors.setdefault(f"{where}.{name}", []).append(problem)
    return errors


def _record_problems(
    record: Record, students: set[str] | dict[str, Any], employees: set[str] | dict[str, Any]
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for name in ("date", "session", "student_id", "attendance_code_id"):
        if record.get(name) in (None, ""):
            problems.append((name, f"The {name.replace('_', ' ')} field is required."))
    date = record.get("date")
    if isinstance(date, str) and date:
        try:
            dt.date.fromisoformat(date)
            if len(date) != 10:
                raise ValueError(date)
        except ValueError:
            problems.append(("date", "The date does not match the format Y-m-d."))
    elif date not in (None, ""):
        problems.append(("date", "The date does not match the format Y-m-d."))
    session = record.get("session")
    if session not in (None, "") and session not in SESSIONS:
        problems.append(("session", "The selected session is invalid (AM or PM)."))
    student = record.get("student_id")
    if student not in (None, "") and (not isinstance(student, str) or student not in students):
        problems.append(("student_id", "The selected student id is invalid."))
    code = record.get("attendance_code_id")
    if code not in (None, "") and code not in CODE_IDS:
        problems.append(("attendance_code_id", "The selected attendance code id is invalid."))
    minutes = record.get("minutes_late")
    if minutes is not None and (
        not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 <= minutes <= 1440
    ):
        problems.append(("minutes_late", "The minutes late must be an integer from 0 to 1440."))
    comment = record.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
        problems.append(("comment", f"The comment may not be over {MAX_COMMENT} characters."))
    employee = record.get("employee_id")
    if employee not in (None, "") and employee not in employees:
        problems.append(("employee_id", "The selected employee id is invalid."))
    return problems


@dataclass
class Writeback:
    id: str
    school_id: str
    records: list[Record]
    accepted_at: float
    accepted_on: dt.datetime
    fails: bool = False


@dataclass(eq=False)
class WritebackLedger:
    """Thread-safe: the server accepts while tests read what it received."""

    #: Seconds from acceptance to `completed`: the MIS connector's own delay.
    completes_after: float = 0.5
    #: This many of the next write-backs end `failed` instead (a test's switch).
    fail_next: int = 0
    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    writebacks: dict[str, Writeback] = field(default_factory=dict)
    #: (school id, idempotency key) -> writeback id
    by_key: dict[tuple[str, str], str] = field(default_factory=dict)
    #: POSTs that repeated an idempotency key already accepted
    replays: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def accept(self, school_id: str, records: list[Record], key: str | None) -> tuple[str, bool]:
        """The write-back id, and whether this was a replay of one already accepted."""
        with self._lock:
            if key and (school_id, key) in self.by_key:
                self.replays += 1
                return self.by_key[(school_id, key)], True
            writeback_id = f"W{len(self.writebacks) + 1_000_000_001}"
            fails = self.fail_next > 0
            self.fail_next = max(0, self.fail_next - 1)
            self.writebacks[writeback_id] = Writeback(
                writeback_id, school_id, [dict(r) for r in records], self.clock(),
                self.wall_clock(), fails,
            )  # fmt: skip
            if key:
                self.by_key[(school_id, key)] = writeback_id
            return writeback_id, False

    def status(self, writeback: Writeback) -> str:
        if self.clock() - writeback.accepted_at < self.completes_after:
            return "pending"
        return "failed" if writeback.fails else "completed"

    def describe(self, writeback_id: str) -> Record | None:
        with self._lock:
            found = self.writebacks.get(writeback_id)
            if found is None:
                return None
            state = self.status(found)
            return {
                "id": found.id,
                "type": "session_attendance",
                "status": state,
                "records": len(found.records),
                "error": "The MIS refused the marks." if state == "failed" else None,
                "created_at": wonde_datetime(found.accepted_on),
            }

    def received(self, school_id: str) -> list[Record]:
        """Every mark accepted for the school, once each, with its write-back's id and state."""
        with self._lock:
            return [
                {**record, "writeback_id": wb.id, "status": self.status(wb)}
                for wb in self.writebacks.values()
                if wb.school_id == school_id
                for record in wb.records
            ]

    def completed_marks(self, school_id: str) -> list[Record]:
        return [r for r in self.received(school_id) if r["status"] == "completed"]
