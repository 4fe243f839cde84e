"""`schoolsync fleet`: the health of every school at once, for vendor staff."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape

from schoolsync.cli.common import STATUS_LABELS, app, fail, now, open_store, out
from schoolsync.cli.exit_codes import ExitCode


@app.command("fleet")
def fleet(
    state: Annotated[
        str | None,
        typer.Option(
            "--state", help="Only schools in this state: failing, needs_approval, overdue, paused."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Schools failing, needing approval, overdue or paused: how many, and which."""
    from schoolsync.model.fleet import HEALTH, LABELS, MEANINGS
    from schoolsync.services.fleet import fleet_health

    if state is not None and state not in HEALTH:
        fail(f"unknown state {state!r}; choose one of {', '.join(HEALTH)}", ExitCode.USAGE,
             as_json=as_json)  # fmt: skip
    with open_store(as_json=as_json) as (_settings, engine):
        health = fleet_health(engine, now(), state)
    if as_json:
        print(json.dumps(_as_json(health)))
        return
    out.print(f"{health.total} schools, checked {health.checked_at:%Y-%m-%d %H:%M} UTC")
    for name in HEALTH:
        out.print(f"  {LABELS[name]}: {health.counts[name]}  ({MEANINGS[name]})")
    if not health.schools:
        out.print("No school " + (f"is {LABELS[state].lower()}." if state else "needs a look."))
        return
    from rich.table import Table

    table = Table("Key", "School", "State", "Latest sync", "Last synced (UTC)")
    for school in health.schools:
        table.add_row(
            school.key,
            escape(school.name),
            ", ".join(LABELS[h] for h in school.health),
            STATUS_LABELS.get(school.status, "Never synced") if school.status else "Never synced",
            f"{school.last_synced:%Y-%m-%d %H:%M}" if school.last_synced else "never",
        )
    out.print(table)


def _as_json(health: Any) -> dict[str, Any]:
    return {
        "checked_at": health.checked_at.isoformat(),
        "total": health.total,
        "counts": health.counts,
        "schools": [
            {
                "key": s.key,
                "name": s.name,
                "urn": s.urn,
                "health": list(s.health),
                "status": s.status,
                "last_synced": s.last_synced.isoformat() if s.last_synced else None,
            }
            for s in health.schools
        ],
    }
