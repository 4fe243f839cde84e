"""What waits for a person's approval, and approving some of it (the rest stay held)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schoolsync.errors import ConfigError

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.engine.change_labels import Directory
    from schoolsync.store.holds import StoredHold
    from schoolsync.store.schools import School


@dataclass(frozen=True, slots=True)
class Waiting:
    """A school's pending holds, with the names their changes are shown by."""

    school: School
    holds: list[StoredHold]
    directory: Directory


def pending(engine: sa.Engine, key: str) -> Waiting:
    from schoolsync.store import schools as school_store
    from schoolsync.store.directory import load_directory
    from schoolsync.store.holds import pending_holds

    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        return Waiting(school, pending_holds(conn, school.id), load_directory(conn, school.id))


def approve(
    engine: sa.Engine,
    key: str,
    *,
    hold_ids: Sequence[int] = (),
    rules: Sequence[str] = (),
    approved_by: str,
    now: dt.datetime,
) -> list[StoredHold]:
    """Approve the holds named by number or by rule; the next sync applies them. Raises
    `ConfigError` naming every number or rule that is not waiting, and approves nothing then."""
    from schoolsync.store import schools as school_store
    from schoolsync.store.holds import approve_holds, pending_holds

    who = approved_by.strip()
    if not who:
        raise ConfigError("say who approves: an approval is only worth recording with a name")
    with engine.begin() as conn:
        school = school_store.get_school(conn, key)
        chosen = chosen_holds(pending_holds(conn, school.id), hold_ids, rules)
        if chosen:
            approve_holds(conn, school.id, [h.id for h in chosen], who, now)
    return chosen


def chosen_holds(
    waiting: Sequence[StoredHold], hold_ids: Sequence[int], rules: Sequence[str]
) -> list[StoredHold]:
    """The waiting holds named by number or rule; every name that matches nothing is an error."""
    known = {h.id for h in waiting}
    present = {h.rule for h in waiting}
    problems = [f"no hold #{n} is waiting" for n in hold_ids if n not in known]
    problems += [f"nothing is held by rule {r!r}" for r in rules if r not in present]
    if problems:
        raise ConfigError("; ".join(problems))
    return [h for h in waiting if h.id in hold_ids or h.rule in rules]


def hold_json(hold: StoredHold, directory: Directory) -> dict[str, Any]:
    """One hold as the API and `holds --json` give it, each change named."""
    from schoolsync.engine.change_labels import describe

    return {
        "id": hold.id,
        "run_id": hold.run_id,
        "rule": hold.rule,
        "subject": hold.target,
        "message": hold.message,
        "losses": hold.losses,
        "changes": len(hold.changes),
        "items": [describe(change, directory).as_json() for change in hold.changes],
        "since": hold.created_at,
    }
