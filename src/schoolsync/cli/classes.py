"""`schoolsync classes`: find a class's MIS id (what `class dependents` and the API take)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from schoolsync.cli.common import app, open_store, out


@app.command("classes")
def classes_command(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    search: Annotated[
        str | None,
        typer.Option("--search", help="Only classes whose name, code, MIS id or subject has this."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The school's synced classes with their MIS ids, subjects and pupil counts."""
    from schoolsync.services.schools import find_classes

    with open_store() as (_settings, engine):
        found = find_classes(engine, school, search)
    if as_json:
        print(json.dumps([asdict(entry) for entry in found]))
        return
    if not found:
        out.print("No classes match." if search else "No classes synced yet.")
        return
    table = Table("MIS id", "Class", "Subject", "Year", "Pupils", "Status")
    for entry in found:
        table.add_row(
            entry.mis_id or "(none)",
            entry.name,
            entry.subject or "",
            entry.year_group or "",
            str(entry.pupils),
            entry.status,
        )
    out.print(table)
    out.print(
        f"{len(found)} class(es). `schoolsync class dependents {school} MIS_ID --count N` "
        "tells schoolsync what hangs off one."
    )
