"""`schoolsync permissions KEY`: the Wonde permissions a school granted, and the features that
need one it has not."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from schoolsync.cli.common import app, open_store, out


@app.command("permissions")
def permissions(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Which Wonde permissions the school granted, and what a missing one leaves out."""
    from rich.table import Table

    from schoolsync.services.permissions import school_permissions
    from schoolsync.services.sources import permissions_reader

    with open_store(as_json=as_json) as (settings, engine):
        view = school_permissions(engine, school, permissions_reader(settings))
    if as_json:
        print(
            json.dumps(
                {
                    "portal": view.portal,
                    "features": [
                        {"feature": a.feature.what, "permission": a.feature.permission,
                         "required": a.required, "granted": a.granted, "effect": a.effect}
                        for a in view.features
                    ],
                }
            )
        )  # fmt: skip
        return
    table = Table(
        "Feature", "Wonde permission", "", title=f"Wonde permissions of {view.school_name}"
    )
    for access in view.features:
        mark = "[green]Granted[/green]" if access.granted else f"[red]{escape(access.effect)}[/red]"
        table.add_row(escape(access.feature.what), access.feature.permission, mark)
    out.print(table)
    if view.not_granted:
        out.print(
            f"{len(view.not_granted)} permission(s) not granted. An admin of the school's Wonde "
            f"portal grants them there: {view.portal}",
            highlight=False,
        )
    else:
        out.print("Every permission the sync uses is granted.")
