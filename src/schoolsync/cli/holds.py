"""`schoolsync holds`: what waits for approval, one line per rule; approve some, keep the rest."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

from schoolsync.cli.common import app, now, open_store, out
from schoolsync.cli.hold_view import print_hold_groups
from schoolsync.engine.change_labels import Directory, describe
from schoolsync.errors import ConfigError

if TYPE_CHECKING:
    from schoolsync.store.holds import StoredHold


@app.command("holds")
def holds_command(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    detail: Annotated[
        bool, typer.Option("--detail", help="List every hold under its rule, with its number.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (every hold).")] = False,
    approve: Annotated[
        list[int] | None,
        typer.Option("--approve", help="Approve the hold with this number (repeatable)."),
    ] = None,
    approve_rule: Annotated[
        list[str] | None,
        typer.Option("--approve-rule", help="Approve every hold of this rule (repeatable)."),
    ] = None,
    later: Annotated[
        bool,
        typer.Option("--later", help="With --approve: leave it to the next sync to apply."),
    ] = False,
    approved_by: Annotated[
        str | None,
        typer.Option("--approved-by", help="Who approves (recorded); default: your user name."),
    ] = None,
) -> None:
    """Changes waiting for a person's approval, one line per rule; approve one hold or one
    rule's holds and the rest stay held."""
    from schoolsync.store import schools as school_store
    from schoolsync.store.directory import load_directory
    from schoolsync.store.holds import approve_holds, pending_holds

    with open_store() as (settings, engine):
        with engine.begin() as conn:
            record = school_store.get_school(conn, school)
            waiting = pending_holds(conn, record.id)
            directory = load_directory(conn, record.id)
            chosen = _chosen(waiting, approve or [], approve_rule or [])
            if chosen:
                who = approved_by or os.environ.get("USER") or "unknown"
                approve_holds(conn, record.id, [h.id for h in chosen], who, now())
        if chosen and not later:
            from schoolsync.cli.results import print_result, result_json
            from schoolsync.cli.syncing import run_sync

            result = run_sync(engine, settings, school, full=True, show_progress=not as_json)
            if as_json:
                print(json.dumps({**result_json(result), "approved": [h.id for h in chosen]}))
            else:
                out.print(f"Approved {len(chosen)} hold(s); applied by run {result.run_id}.")
                print_result(result, record.key)
            return
    waiting = [h for h in waiting if h not in chosen]  # approved with --later
    if as_json:
        print(json.dumps([hold_json(h, directory) for h in waiting], default=str))
        return
    if chosen:
        out.print(f"Approved {len(chosen)} hold(s); the next sync applies them.")
    if not waiting:
        out.print("Nothing is waiting for approval.")
        return
    print_hold_groups(
        out,
        waiting,
        lead="Waiting for approval:",
        detail=detail,
        numbers=[f"#{h.id}" for h in waiting],
        items=lambda hold: _change_names(hold, directory),
    )
    if not detail:
        out.print(f"`schoolsync holds {record.key} --detail` lists every hold with its number.")
    out.print(
        f"Approve with `schoolsync holds {record.key} --approve NUMBER` or "
        "`--approve-rule RULE`; the rest stay held."
    )


def _chosen(waiting: list[StoredHold], ids: list[int], rules: list[str]) -> list[StoredHold]:
    known = {h.id for h in waiting}
    present = {h.rule for h in waiting}
    problems = [f"no hold #{n} is waiting" for n in ids if n not in known]
    problems += [f"nothing is held by rule {r!r}" for r in rules if r not in present]
    if problems:
        raise ConfigError("; ".join(problems) + " (`schoolsync holds KEY --detail` lists them)")
    return [h for h in waiting if h.id in ids or h.rule in rules]


def _change_names(hold: object, directory: Directory) -> list[str]:
    from schoolsync.store.holds import StoredHold

    assert isinstance(hold, StoredHold)
    return [
        f"{d.kind} {d.name}".strip()
        for d in (describe(change, directory) for change in hold.changes)
    ]


def hold_json(hold: StoredHold, directory: Directory) -> dict[str, Any]:
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
