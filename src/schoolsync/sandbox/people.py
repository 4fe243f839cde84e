"""PeopleFactory: what every generated person shares (the school, the draws, the clock).

The people themselves are made by one module per kind, each taking a factory:
`families` (households and their contacts), `pupils` (a pupil and the include payloads a pupil
has, with `pupil_context` for SEN, FSM, EAL and attendance) and `employees` (staff). The
generator (a whole school) and `changes` (a new joiner) share them, so a pupil who arrives
mid-year looks exactly like one who was there all along.

Everything is drawn from the factory's one `random.Random`, in a fixed order, so the same seed
and clock give the same school.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from schoolsync.sandbox.datetimes import wonde_datetime
from schoolsync.sandbox.places import Locale, landline, mobile
from schoolsync.sandbox.school_year import academic_year_start
from schoolsync.sandbox.state import SandboxSchool

Record = dict[str, Any]


@dataclass
class PeopleFactory:
    school: SandboxSchool
    rng: random.Random
    place: Locale
    # "Now" for everything generated: records were created and updated before it.
    anchor: datetime
    # (LA, establishment) of the schools that allocated pupils' UPNs (feeder primaries).
    upn_sources: list[tuple[str, str]]
    # When the school started using Wonde: no record was created before it.
    connected: datetime
    # The last UPN serial drawn per (LA, establishment, year allocated), so UPNs never repeat.
    upn_serials: dict[tuple[str, str, int], int] = field(default_factory=dict)

    @property
    def academic_start(self) -> int:
        return academic_year_start(self.anchor)

    def _moment(self, day: date) -> datetime:
        """A working-hours moment on `day`, in UTC."""
        seconds = self.rng.randint(7 * 3600, 18 * 3600)
        return datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=seconds)

    def history(self, arrived: date | None = None) -> tuple[Record, Record]:
        """(created_at, updated_at) for a record that has existed since `arrived`."""
        earliest = self.connected if arrived is None else max(self.connected, self._moment(arrived))
        earliest = min(earliest, self.anchor - timedelta(days=1))
        span = max(1, int((self.anchor - earliest).total_seconds()))
        created = earliest + timedelta(seconds=self.rng.randint(0, min(span, 3 * 86_400)))
        # Most records were touched by recent MIS activity (year rollover, data checks).
        latest_gap = self.rng.randint(3_600, 120 * 86_400)
        updated = max(created, self.anchor - timedelta(seconds=latest_gap))
        return wonde_datetime(created), wonde_datetime(updated)

    def phones(self, *, home: str | None, mobile_chance: float, work_chance: float) -> Record:
        """A `contact_details.phones` payload: the primary number is the first one a person has."""
        rng = self.rng
        cell = mobile(rng) if rng.random() < mobile_chance else None
        work = landline(rng, self.place) if rng.random() < work_chance else None
        primary = cell or home or work
        return {"phone": primary, "primary": primary, "home": home, "work": work, "mobile": cell}
