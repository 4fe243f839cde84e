"""`schoolsync holds`: what waits for approval, one line per rule; approve some, keep the rest."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from schoolsync.cli.common import app, approver, now, open_store, out
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
    from schoolsync.services import holds as hold_service
    from schoolsync.services.holds import hold_json

    chosen: list[StoredHold] = []
    with open_store() as (settings, engine):
        if approve or approve_rule:
            try:
                chosen = hold_service.approve(
                    engine,
                    school,
                    hold_ids=approve or [],
                    rules=approve_rule or [],
                    approved_by=approver(approved_by) or "unknown",
                    now=now(),
                )
            except ConfigError as exc:
                raise ConfigError(f"{exc} (`schoolsync holds KEY --detail` lists them)") from exc
        if chosen and not later:
            from schoolsync.cli.results import print_result, result_json
            from schoolsync.cli.syncing import run_sync

            done = run_sync(engine, settings, school, full=True, show_progress=not as_json)
            result = done.result
            if as_json:
                print(json.dumps({**result_json(result), "approved": [h.id for h in chosen]}))
            else:
                out.print(f"Approved {len(chosen)} hold(s); applied by run {result.run_id}.")
                print_result(result, school)
            return
        shown = hold_service.pending(engine, school)
    record, waiting, directory = shown.school, shown.holds, shown.directory
    approved = {h.id for h in chosen}
    waiting = [h for h in waiting if h.id not in approved]  # approved with --later
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


def _change_names(hold: Any, directory: Directory) -> list[str]:
    return [
        f"{d.kind} {d.name}".strip()
        for d in (describe(change, directory) for change in hold.changes)
    ]
