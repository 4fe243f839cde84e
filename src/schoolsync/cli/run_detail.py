"""`schoolsync run KEY RUN_ID`: one run in detail, every change by name and MIS id."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from schoolsync.cli.common import STATUS_LABELS, app, open_store, out
from schoolsync.errors import ConfigError, NotFound, SchoolNotFound
from schoolsync.wording import entity_word


@app.command("run")
def run_command(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    run_id: Annotated[int, typer.Argument(help="The run's number (`schoolsync history`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (every change).")] = False,
    limit: Annotated[int, typer.Option(help="How many changes to list.")] = 100,
) -> None:
    """What one run changed, record by record (new memberships are counted, not listed)."""
    from schoolsync.services.reports import run_detail

    with open_store() as (_settings, engine):
        try:
            detail = run_detail(engine, school, run_id)
        except SchoolNotFound:
            raise
        except NotFound as exc:  # a run number that is not the school's: a usage error here
            raise ConfigError(str(exc)) from exc
    run, described = detail.run, detail.changes
    if as_json:
        print(
            json.dumps(
                {
                    "run_id": run["id"],
                    "status": run["status"],
                    "counts": run["counts"],
                    "changes": [d.as_json() for d in described],
                },
                default=str,
            )
        )
        return
    status = STATUS_LABELS.get(run["status"], run["status"])
    out.print(f"Run {run['id']} ({run['mode']}, {run['trigger']}): {status}")
    table = Table("What", "Change", "Name", "Before", "After")
    for shown in described[:limit]:
        table.add_row(
            entity_word(shown.entity),
            shown.kind,
            escape(f"{shown.name} (MIS {shown.mis_id})" if shown.mis_id else shown.name),
            escape(shown.values(shown.before)),
            escape(shown.values(shown.after, only=shown.before)),
        )
    out.print(table)
    if len(described) > limit:
        out.print(f"... and {len(described) - limit} more (--json lists them all).")
