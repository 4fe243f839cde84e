"""The thresholds the safeguards apply: a school setting, read by the pure safeguard step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Limits:
    mode: Literal["partial", "strict"] = "partial"
    pupil_leavers_pct: float = 10.0
    staff_leavers_pct: float = 10.0
    email_changes_pct: float = 10.0
    #: Below this many changes no mass rule fires: three leavers in a 20-pupil school is news,
    #: not an accident.
    mass_minimum: int = 3
