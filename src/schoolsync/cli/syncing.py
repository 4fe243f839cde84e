"""Commands that run the pipeline: sync, import, the dry run and the holds it leaves."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from schoolsync.cli.common import (
    app,
    err,
    fail,
    now,
    open_store,
    out,
)
from schoolsync.cli.exit_codes import ExitCode, for_status
from schoolsync.cli.hold_view import print_hold_groups
from schoolsync.cli.interrupt import interruptible
from schoolsync.cli.results import groups_json, left_out_by, print_result, result_json
from schoolsync.engine.change_labels import RELATIONS, change_mapping, describe, with_snapshot

if TYPE_CHECKING:
    import datetime as dt

    import sqlalchemy as sa

    from schoolsync.config import Settings
    from schoolsync.model import Snapshot
    from schoolsync.pipeline import Notify, SyncResult
    from schoolsync.sources.base import Progress as SourceProgress
    from schoolsync.sources.base import SchoolConnection, SnapshotReader


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
) -> None:
    """Run one sync of a school now (autosync rules), or a manual sync that approves."""
    from schoolsync.sources.registry import school_reader

    if yes and not manual:
        fail("--yes goes with --manual", ExitCode.USAGE, as_json=as_json)
    who = (approved_by or os.environ.get("USER") or "").strip()
    if manual and not who:
        # An approval is only worth recording if it names a person.
        fail(
            "who approves? $USER is not set: pass --approved-by NAME",
            ExitCode.USAGE,
            as_json=as_json,
        )
    with interruptible(), open_store(as_json=as_json) as (settings, engine):
        if manual:
            from schoolsync.cli.manual import manual_sync

            # With --json, stdout carries only the JSON: the wizard's tables go to stderr.
            outcome = manual_sync(
                engine,
                school,
                school_reader(settings),
                err if as_json else out,
                assume_yes=yes,
                approved_by=who,
            )
            if outcome is None:
                raise typer.Exit(ExitCode.FAILED)
            result = outcome
        else:
            result = run_sync(engine, settings, school, full=full, show_progress=not as_json)
        left_out = left_out_by(engine, school, result)
    if as_json:
        print(json.dumps(result_json(result, left_out)))
    else:
        print_result(result, school, left_out)
    raise typer.Exit(for_status(result.status))


def run_sync(
    engine: sa.Engine, settings: Settings, school: str, *, full: bool, show_progress: bool
) -> SyncResult:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from schoolsync.pipeline import sync_school
    from schoolsync.sources.registry import school_reader

    reader = school_reader(settings)
    notify = notifier(engine)
    if not (show_progress and out.is_terminal):
        return sync_school(engine, school, reader, full=full, notify=notify)
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
                tasks[what] = bar.add_task(f"Reading {what}", total=total)
            bar.update(tasks[what], completed=done, total=total or done)

        return sync_school(engine, school, reader, full=full, progress=progress, notify=notify)


def notifier(engine: sa.Engine) -> Notify | None:
    """Email alerts when SMTP is configured (SCHOOLSYNC_SMTP_HOST and friends)."""
    from schoolsync.alerts import SmtpMailer, SmtpSettings, base_url_from
    from schoolsync.notify import email_notifier

    smtp = SmtpSettings.from_env(os.environ)
    if smtp is None:
        return None
    return email_notifier(engine, SmtpMailer(smtp), base_url=base_url_from(os.environ))


@app.command("import")
def import_command(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    file: Annotated[
        Path, typer.Argument(help="A CTF (.xml), a OneRoster zip or folder, or a staff CSV.")
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="ctf, oneroster or staff_csv; detected when not given."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Import a file through the same engine as a sync: issues, history and holds alike."""
    from schoolsync.errors import ConfigError
    from schoolsync.pipeline import sync_school
    from schoolsync.sources.registry import file_format

    if fmt is not None:
        try:
            fmt = file_format(fmt)
        except ConfigError:
            fail(
                f"unknown format {fmt!r}; choose ctf, oneroster or staff_csv",
                ExitCode.USAGE,
                as_json=as_json,
            )
    with interruptible(), open_store(as_json=as_json) as (_settings, engine):
        kind, reader = import_reader(file, fmt)
        result = sync_school(
            engine,
            school,
            reader,
            trigger="file",
            file_import=True,
            source=kind,
            notify=notifier(engine),
        )
        left_out = left_out_by(engine, school, result)
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
    from schoolsync.pipeline import plan_school
    from schoolsync.sources.registry import school_reader
    from schoolsync.store import schools as school_store
    from schoolsync.store.directory import load_directory

    with open_store(as_json=as_json) as (settings, engine):
        dry = plan_school(engine, school, school_reader(settings), full=full)
        with engine.connect() as conn:
            record = school_store.get_school(conn, school)
            directory = with_snapshot(load_directory(conn, record.id), dry.snapshot)
    held = {id(c) for h in dry.guarded.holds for c in h.changes}
    if dry.guarded.apply_now.changes == () and dry.guarded.holds:
        held = {id(c) for c in dry.plan.changes}  # strict mode holds the whole run
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
            change.entity.replace("_", " "),
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
    from schoolsync.store import schools as school_store
    from schoolsync.store.lock import unlock as free

    with open_store() as (_settings, engine), engine.begin() as conn:
        record = school_store.get_school(conn, school)
        freed = free(conn, record, now(), force=force)
    if freed is None:
        out.print(f"School {school} was not locked.")
    else:
        out.print(f"Unlocked school {school}: {freed.describe()} is recorded as interrupted.")


#: The source recorded for an import whose format could not be told from the file.
UNDETECTED = "unknown"


def import_reader(path: Path, fmt: str | None) -> tuple[str, SnapshotReader]:
    """The file's format and its reader; for a file whose format cannot be told, a reader that
    refuses it inside the run, so the attempt is in the school's history with its reason."""
    from schoolsync.errors import FileFormatError
    from schoolsync.sources.registry import file_reader_for

    try:
        return file_reader_for(path, fmt)
    except FileFormatError as exc:
        error = exc

    def refuse(
        _school: SchoolConnection, _since: dt.datetime | None, _progress: SourceProgress
    ) -> Snapshot:
        raise error

    return UNDETECTED, refuse


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"
