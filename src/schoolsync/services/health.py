"""Is this process able to serve? `/healthz` says the process is alive; `/readyz` that the
database answers and is at the schema this code expects (a deploy that has not migrated yet
is not ready)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa


def readiness_problems(engine: sa.Engine) -> list[str]:
    """What stops this process serving, in words that name no school; empty when ready."""
    import sqlalchemy as sa

    from schoolsync.errors import SchoolsyncError
    from schoolsync.store.schema import current_revisions, head_revisions

    try:
        current = current_revisions(engine)
    except (sa.exc.SQLAlchemyError, SchoolsyncError) as exc:
        return [f"the database cannot be reached ({type(exc).__name__})"]
    expected = head_revisions()
    if current != expected:
        at = ", ".join(sorted(current)) or "none"
        return [f"the database schema is at {at}, not {', '.join(sorted(expected))}: migrate it"]
    return []
