"""Commands that run the pipeline: sync, import, the dry run and the holds it leaves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from schoolsync.cli.common import (
    app,
    approver,
    err,
    fail,
    now,
    open_store,
    out,
)
from schoolsync.cli.exit_codes import ExitCode, for_status
from schoolsync.cli.hold_view import print_hold_groups
from schoolsync.cli.interrupt import interruptible
from schoolsync.cli.results import groups_json, print_result, result_json
from schoolsync.engine.change_labels import RELATIONS, change_mapping, describe
from schoolsync.wording import entity_word, reading_word

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.config import Settings
    from schoolsync.services.syncing import Outcome


@app.command()
def sync(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    full: Annotated[
        bool, typer.Option("--full", help="Read everything, not only changes.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    manual: Annotated[
        bool,
        typer.Option("--manual", help="Choose subjects and classes, check the warnings, approve."),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option("--yes", help="With --manual: approve the plan as shown, without questions."),
    ] = False,
    approved_by: Annotated[
        str | None,
        typer.Option("--approved-by", help="Who approves (recorded); default: your user name."),
    ] = None,
    queue: Annotated[
        bool,
        typer.Option(
            "--queue",
            help="Queue a sync now, ahead of the scheduled ones; `serve` or a worker runs it.",
        ),
    ] = False,
) -> None:
    """Run one sync of a school now (autosync rules), or a manual sync that approves, or queue
    one (--queue) for `serve` or a worker to run first."""
    if yes and not manual:
        fail("--yes goes with --manual", ExitCode.USAGE, as_json=as_json)
    if queue and manual:
        fail("--queue and --manual do not go together", ExitCode.USAGE, as_json=as_json)
    who = approver(approved_by)
    if manual and not who:
        # An approval is only worth recording if it names a person.
        fail(
            "who approves? $USER is not set: pass --approved-by NAME",
            ExitCode.USAGE,
            as_json=as_json,
        )
    with interruptible(), open_store(as_json=as_json) as (settings, engine):
        skipped = _skip_reason(engine, school)
        if skipped is not None:
            # Not a failure: the school cannot be synced in its connection state.
            if as_json:
                print(json.dumps({"status": "skipped", "message": skipped}))
            else:
                out.print(skipped, highlight=False)
            raise typer.Exit(ExitCode.OK)
        if queue:
            _queue_sync(engine, school, full=full, as_json=as_json)
            raise typer.Exit(ExitCode.OK)
        if manual:
            from schoolsync.cli.manual import manual_sync
            from schoolsync.services.sources import mis_reader
            from schoolsync.services.syncing import left_out as roles_left_out

            # With --json, stdout carries only the JSON: the wizard's tables go to stderr.
            outcome = manual_sync(
                engine,
                school,
                mis_reader(settings),
                err if as_json else out,
                assume_yes=yes,
                approved_by=who,
            )
            if outcome is None:
                raise typer.Exit(ExitCode.FAILED)
            result = outcome
            left_out = roles_left_out(engine, school, result)
        else:
            done = run_sync(engine, settings, school, full=full, show_progress=not as_json)
            result, left_out = done.result, done.left_out
    if as_json:
        print(json.dumps(result_json(result, left_out)))
    else:
        print_result(result, school, left_out)
    raise typer.Exit(for_status(result.status))


def _queue_sync(engine: sa.Engine, school: str, *, full: bool, as_json: bool) -> None:
    from schoolsync.services.queueing import queue_sync

    queued = queue_sync(engine, school, now(), full=full)
    if as_json:
        print(json.dumps({"status": "queued", **queued.as_json()}))
        return
    said = "was already queued" if queued.already_queued else "queued"
    out.print(
        f"Sync job {queued.job.id} {said}: it runs ahead of the scheduled syncs as soon as "
        "`schoolsync serve` or a worker takes it.",
        highlight=False,
    )


def _skip_reason(engine: sa.Engine, school: str) -> str | None:
    from schoolsync.errors import SyncSkipped
    from schoolsync.services.connections import ensure_can_sync

    try:
        ensure_can_sync(engine, school)
    except SyncSkipped as exc:
        return str(exc)
    return None


def run_sync(
    engine: sa.Engine, settings: Settings, school: str, *, full: bool, show_progress: bool
) -> Outcome:
    """The sync service, with a progress bar on a terminal."""
    from schoolsync.services import syncing

    if not (show_progress and out.is_terminal):
        return syncing.run_sync(engine, settings, school, full=full)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=out, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def progress(what: str, done: int, total: int | None) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(f"Reading {reading_word(what)}", total=total)
            bar.update(tasks[what], completed=done, total=total or done)

        return syncing.run_sync(engine, settings, school, full=full, progress=progress)


@app.command("import")
def import_command(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    file: Annotated[
        Path,
        typer.Argument(
            help="A CTF (.xml), a OneRoster zip or folder, or a staff CSV.",
            # A mistyped path is a wrong argument (exit 2); a file that cannot be read is a
            # failed run (exit 1), recorded in the school's history.
            exists=True,
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="ctf, oneroster or staff_csv; detected when not given."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Import a file through the same engine as a sync: issues, history and holds alike."""
    from schoolsync.services.syncing import import_file

    with interruptible(), open_store(as_json=as_json) as (settings, engine):
        imported = import_file(engine, settings, school, file, fmt)
    kind, result, left_out = imported.format, imported.outcome.result, imported.outcome.left_out
    if as_json:
        print(json.dumps({**result_json(result, left_out), "format": kind}))
    else:
        if result.status == "failed":
            out.print(f"Could not import {file.name}" + (f" as {kind}." if fmt else "."))
        else:
            out.print(f"Imported {file.name} as {kind}.")
        print_result(result, school, left_out)
    raise typer.Exit(for_status(result.status))


@app.command("plan")
def plan_command(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    full: Annotated[bool, typer.Option("--full", help="Plan a full sync.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (every change).")] = False,
    limit: Annotated[int, typer.Option(help="How many changes to list in detail.")] = 40,
    detail: Annotated[
        bool, typer.Option("--detail", help="List every change that would wait, under its rule.")
    ] = False,
) -> None:
    """Dry run: what a sync would change now, field by field, and what it would hold.
    Writes nothing."""
    from schoolsync.services.syncing import dry_run

    with open_store(as_json=as_json) as (settings, engine):
        preview = dry_run(engine, settings, school, full=full)
    dry, directory, held = preview.dry, preview.directory, preview.held()
    if as_json:
        print(
            json.dumps(
                {
                    "mode": dry.mode,
                    "counts": dry.plan.counts(),
                    "issues": len(dry.validated.issues),
                    "holds": [
                        {"rule": h.rule, "message": h.message, "losses": list(h.losses)}
                        for h in dry.guarded.holds
                    ],
                    "hold_groups": groups_json(dry.guarded.holds),
                    "changes": [
                        {
                            **describe(change_mapping(c), directory).as_json(),
                            "source_id": None if c.entity in RELATIONS else c.key,
                            "held": id(c) in held,
                        }
                        for c in dry.plan.changes
                    ],
                },
                default=str,
            )
        )
        return
    out.print(
        f"{_article(dry.mode)} {dry.mode} sync would make {len(dry.plan)} change(s); "
        f"{len(dry.validated.issues)} issue(s)."
    )
    table = Table("What", "Change", "Name", "Before", "After", "Held?")
    for change in dry.plan.changes[:limit]:
        shown = describe(change_mapping(change), directory)
        table.add_row(
            entity_word(change.entity),
            change.kind,
            escape(f"{shown.name} (MIS {shown.mis_id})" if shown.mis_id else shown.name),
            escape(shown.values(shown.before)),
            escape(shown.values(shown.after, only=shown.before)),
            "[yellow]held[/yellow]" if id(change) in held else "",
        )
    out.print(table)
    if len(dry.plan) > limit:
        out.print(f"... and {len(dry.plan) - limit} more (--json lists them all).")
    by_hold = {
        id(h): [f"{c.kind} {describe(change_mapping(c), directory).name}" for c in h.changes]
        for h in dry.guarded.holds
    }
    print_hold_groups(
        out,
        dry.guarded.holds,
        lead="Would wait for approval:",
        detail=detail,
        items=lambda hold: by_hold[id(hold)],
    )


@app.command()
def unlock(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Free it even though the sync holding it looks alive."),
    ] = False,
) -> None:
    """Free a school that a sync still holds (its run ends as interrupted). A sync whose process
    is gone is taken over by itself within minutes; this is for a person who knows."""
    from schoolsync.services.syncing import unlock as free

    with open_store() as (_settings, engine):
        freed = free(engine, school, now(), force=force)
    if freed is None:
        out.print(f"School {school} was not locked.")
    else:
        out.print(f"Unlocked school {school}: {freed.describe()} is recorded as interrupted.")


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"
