"""`schoolsync terms KEY`: a school's term dates, and whether its sync is paused; `--file`
replaces them from a CSV (academic_year,term,start,end)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from schoolsync.cli.common import app, now, open_store, out
from schoolsync.model.terms import TERM_LABELS, year_label


@app.command("terms")
def terms(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="A CSV with the columns academic_year,term,start,end (2026/27,autumn1,"
            "2026-09-03,2026-10-23): replaces the term dates of the years it names.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a school's term dates (syncing pauses from the end of Summer 2 until 1 September,
    and when the year's term dates are missing after 31 December)."""
    from schoolsync.services.terms import replace_terms_from_file, show_terms

    with open_store(as_json=as_json) as (_settings, engine):
        if file is not None:
            view = replace_terms_from_file(engine, school, file.read_bytes(), now(), file.name)
        else:
            view = show_terms(engine, school, now())
    if as_json:
        print(
            json.dumps(
                {
                    "terms": [
                        {"academic_year": year_label(t.academic_year), "term": t.term,
                         "start": t.starts_on.isoformat(), "end": t.ends_on.isoformat()}
                        for t in view.terms
                    ],
                    "paused": view.pause.paused,
                    "reason": view.pause.reason,
                    "message": view.pause.message or None,
                }
            )
        )  # fmt: skip
        return
    if file is not None:
        out.print(f"Saved {len(view.terms)} term dates.")
    if view.terms:
        from rich.table import Table

        table = Table("Academic year", "Term", "Starts", "Ends")
        for t in view.terms:
            table.add_row(
                year_label(t.academic_year), TERM_LABELS[t.term],
                f"{t.starts_on:%a %-d %b %Y}", f"{t.ends_on:%a %-d %b %Y}",
            )  # fmt: skip
        out.print(table)
    else:
        out.print("No term dates yet.")
    if view.pause.message:
        out.print(escape(view.pause.message), highlight=False)
