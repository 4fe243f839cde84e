"""The schools overview (vendor staff): every school with its status, last sync, open issues and
whether changes wait for approval; searched, filtered and paged by keyset, so the last page of
20,000 schools comes as quickly as the first."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from schoolsync.store.overview import FILTERS, PAGE_SIZE, SchoolPage, SchoolRow

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["FILTERS", "PAGE_SIZE", "SchoolPage", "SchoolRow", "school_overview"]


def school_overview(
    engine: sa.Engine,
    *,
    search: str = "",
    status: str = "",
    after: tuple[str, int] | None = None,
    page_size: int = PAGE_SIZE,
    health: str = "",
    now: dt.datetime | None = None,
) -> SchoolPage:
    """One page of schools by name, continuing after `after` (a name and id from the page
    before); `status` is one of `FILTERS` ("never": no run yet), anything else shows all;
    `health` one of `model.fleet.HEALTH` (at `now`), anything else shows all."""
    from schoolsync.store.overview import school_overview as overview

    with engine.connect() as conn:
        return overview(conn, search=search, status=status, after=after, page_size=page_size,
                        health=health, now=now)  # fmt: skip
