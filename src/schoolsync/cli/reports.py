"""Commands that read what happened: history, the issues CSV, and exports."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from schoolsync.cli.common import (
    STATUS_LABELS,
    app,
    err,
    now,
    open_store,
    out,
)
from schoolsync.cli.exit_codes import ExitCode
from schoolsync.errors import ConfigError, NotFound, SchoolNotFound
from schoolsync.wording import entity_word


@app.command()
def history(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    limit: Annotated[int, typer.Option(help="How many runs, newest first.")] = 20,
) -> None:
    """The school's sync history, newest first."""
    from rich.table import Table

    from schoolsync.services.reports import list_runs

    with open_store(as_json=as_json) as (_settings, engine):
        history_ = list_runs(engine, school, limit)
    record, found = history_.school, history_.runs
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "run_id": r.id,
                        "status": r.status,
                        "trigger": r.trigger,
                        "source": r.source,
                        "mode": r.mode,
                        "started_at": r.started_at.isoformat(),
                        "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                        "counts": r.counts,
                        "held": r.held,
                        "approved_by": r.approved_by,
                        "issues": r.issue_count,
                        "open_issues": r.open_issues,
                        "message": r.message,
                    }
                    for r in found
                ]
            )
        )
        return
    table = Table(
        "Run",
        "Started (UTC)",
        "Trigger",
        "Mode",
        "Status",
        "Changes",
        "Held",
        "Approved by",
        "Issues",
        title=f"Sync history: {record.name}",
    )
    for run in found:
        changed = sum(sum(kinds.values()) for kinds in run.counts.values())
        status = STATUS_LABELS.get(run.status, run.status)
        if run.message:
            status += f"\n{run.message}"
        table.add_row(
            str(run.id),
            run.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            run.trigger,
            run.mode,
            status,
            str(changed),
            _held(run.held),
            run.approved_by or "",
            _issues(run.issue_count, run.open_issues),
        )
    out.print(table)


def _issues(own: int, still_open: int | None) -> str:
    """The run's own issues, and the school's open ones after it when they differ."""
    if still_open is None or still_open == own:
        return str(own)
    return f"{own} ({still_open} open)"


def _held(held: dict[str, dict[str, int]] | None) -> str:
    """What waited for approval, e.g. "pupil leave: 80"."""
    if not held:
        return ""
    return "\n".join(
        f"{entity_word(entity)} {kind}: {count}"
        for entity, kinds in held.items()
        for kind, count in kinds.items()
    )


@app.command("issues")
def issues_command(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    run: Annotated[
        int | None,
        typer.Option("--run", help="One run's own issues; default: the school's open issues."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write the CSV here.")] = None,
) -> None:
    """Write the school's open issues (what it still has to fix, whichever run found them) as
    the CSV schools download, or one run's own issues with --run."""
    from schoolsync.issues_csv import write_issues_csv
    from schoolsync.services.reports import issues

    with open_store() as (_settings, engine):
        try:
            found = issues(engine, school, run)
        except SchoolNotFound:
            raise
        except NotFound as exc:  # a run number that is not the school's: a usage error here
            raise ConfigError(str(exc)) from exc
    if output is None:
        write_issues_csv(found, sys.stdout)
        return
    with output.open("w", encoding="utf-8-sig", newline="") as handle:
        count = write_issues_csv(found, handle)
    what = "open issue(s)" if run is None else f"issue(s) of run {run}"
    err.print(f"Wrote {count} {what} to {output}")


@app.command()
def export(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    output: Annotated[Path, typer.Option("--output", help="A folder for the CSV files.")],
    fmt: Annotated[str, typer.Option("--format", help="Only 'oneroster' for now.")] = "oneroster",
) -> None:
    """Export what is synced now (OneRoster 1.2 bulk CSV)."""
    from schoolsync.services.reports import export_oneroster

    if fmt != "oneroster":
        err.print(f"[red]Error:[/red] unknown format {fmt!r}; choose oneroster")
        raise typer.Exit(ExitCode.USAGE)
    with open_store() as (_settings, engine):
        written = export_oneroster(engine, school, output, now())
    total = sum(written.values())
    out.print(f"Wrote {total} rows in {len(written)} files to {output}")
