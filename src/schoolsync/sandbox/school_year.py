"""The English school year: National Curriculum years and when a school year begins."""

from __future__ import annotations

from datetime import datetime

# National Curriculum years as a MIS spells them; "R" is Reception.
NC_YEARS = ("R", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13")


def academic_year_start(moment: datetime) -> int:
    """The calendar year in which the current English school year began (1 September)."""
    return moment.year if moment.month >= 9 else moment.year - 1


def year_index(nc_year: str) -> int:
    return 0 if nc_year == "R" else int(nc_year)
