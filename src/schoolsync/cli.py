"""The `schoolsync` command: thin commands over the same functions the web app calls."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from schoolsync.alerts import SmtpMailer, SmtpSettings
from schoolsync.config import Settings
from schoolsync.engine.sync import Notify, SyncResult, plan_school, sync_school
from schoolsync.errors import ConfigError, SchoolsyncError
from schoolsync.issues_csv import write_issues_csv
from schoolsync.notify import email_notifier
from schoolsync.school_settings import SchoolSettings, parse_domains, parse_roles
from schoolsync.sources.readers import wonde_reader
from schoolsync.store import runs as run_store
from schoolsync.store import schools as school_store
from schoolsync.store.database import make_engine, upgrade

app = typer.Typer(
    help="Keep an education product's people and classes in step with each school's MIS.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
school_app = typer.Typer(help="Add and list schools.", no_args_is_help=True)
sandbox_app = typer.Typer(help="The Wonde-compatible sandbox server.", no_args_is_help=True)
class_app = typer.Typer(
    help="Facts about classes that the product tells schoolsync.", no_args_is_help=True
)
app.add_typer(school_app, name="school")
app.add_typer(class_app, name="class")
app.add_typer(sandbox_app, name="sandbox")

out = Console()
err = Console(stderr=True)

STATUS_LABELS = {
    "running": "Running",
    "success": "Successful",
    "issues_exist": "Issues exist: some records were left out",
    "needs_approval": "Needs approval: major changes are waiting",
    "failed": "Failed: nothing was changed",
    "paused": "Paused",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextlib.contextmanager
def _store() -> Iterator[tuple[Settings, sa.Engine]]:
    """Settings and a migrated database, or a clear message and exit code 2."""
    try:
        settings = Settings.from_env()
        engine = make_engine(settings.database_url)
        upgrade(engine)
    except SchoolsyncError as exc:
        err.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(2) from exc
    try:
        yield settings, engine
    except ConfigError as exc:
        err.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except SchoolsyncError as exc:
        err.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()


# --- schools ------------------------------------------------------------------------------


WondeUrl = Annotated[
    str | None,
    typer.Option(
        "--wonde-url",
        help="API base including /v1.0/; default: the school's regional Wonde domain.",
    ),
]
WondeToken = Annotated[
    str | None,
    typer.Option(
        "--wonde-token", help="API token (or set SCHOOLSYNC_WONDE_TOKEN).", show_default=False
    ),
]
EmailDomains = Annotated[
    list[str] | None,
    typer.Option("--email-domain", help="An allowed email domain (repeatable; replaces the list)."),
]
RequireEmail = Annotated[
    str | None,
    typer.Option(
        "--require-email",
        help="Roles that must have an email, comma separated (student, teacher, staff). "
        "Default: teacher,staff.",
    ),
]


@school_app.command("add")
def school_add(
    name: Annotated[str, typer.Option("--name", help="The school's name.")],
    wonde_school_id: Annotated[
        str | None, typer.Option("--wonde-school-id", help="The school's Wonde id (A…).")
    ] = None,
    wonde_url: WondeUrl = None,
    wonde_token: WondeToken = None,
    email_domain: EmailDomains = None,
    require_email: RequireEmail = None,
) -> None:
    """Add a school. Without Wonde options it is fed only by files (CTF, OneRoster)."""
    token = wonde_token or os.environ.get("SCHOOLSYNC_WONDE_TOKEN") if wonde_school_id else None
    with _store() as (settings, engine):
        policy = SchoolSettings()
        if email_domain:
            policy = SchoolSettings.from_json(
                {**policy.to_json(), "allowed_domains": parse_domains(email_domain)}
            )
        if require_email is not None:
            policy = SchoolSettings.from_json(
                {**policy.to_json(), "require_email": sorted(parse_roles(require_email))}
            )
        with engine.begin() as conn:
            school = school_store.add_school(
                conn,
                name=name,
                now=_now(),
                secret_key=settings.secret_key,
                wonde_school_id=wonde_school_id,
                api_base_url=wonde_url,
                token=token,
                settings=policy,
            )
    source = f"Wonde school {school.wonde_school_id}" if school.wonde_school_id else "files"
    # Plain print: a script takes the key as the last word, so it must never be wrapped.
    print(f"Added {school.name} (fed by {source}). School key: {school.key}")


@school_app.command("connect")
def school_connect(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    wonde_school_id: Annotated[str, typer.Option("--wonde-school-id", help="Wonde id (A…).")],
    wonde_url: WondeUrl = None,
    wonde_token: WondeToken = None,
) -> None:
    """Connect a school (for example one fed by CTF files so far) to Wonde."""
    token = wonde_token or os.environ.get("SCHOOLSYNC_WONDE_TOKEN") or ""
    with _store() as (settings, engine), engine.begin() as conn:
        record = school_store.connect_wonde(
            conn,
            school,
            wonde_school_id=wonde_school_id,
            token=token,
            secret_key=settings.secret_key,
            api_base_url=wonde_url,
        )
    out.print(
        f"{record.name} is now fed by Wonde school {wonde_school_id}. "
        f"`schoolsync sync {record.key}` runs the first sync."
    )


@school_app.command("list")
def school_list() -> None:
    """List the schools and their keys."""
    with _store() as (_settings, engine), engine.connect() as conn:
        found = school_store.list_schools(conn)
    table = Table("Key", "Name", "Source", "Last full sync")
    for school in found:
        last = school.last_full_sync_at
        table.add_row(
            school.key,
            school.name,
            school.source_kind,
            last.strftime("%Y-%m-%d %H:%M") if last else "never",
        )
    out.print(table)


# --- syncing ------------------------------------------------------------------------------


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
    if yes and not manual:
        err.print("[red]Error:[/red] --yes goes with --manual")
        raise typer.Exit(2)
    with _store() as (settings, engine):
        if manual:
            from schoolsync.cli_manual import manual_sync

            who = approved_by or os.environ.get("USER") or "unknown"
            outcome = manual_sync(
                engine, school, wonde_reader(settings), out, assume_yes=yes, approved_by=who
            )
            if outcome is None:
                raise typer.Exit(1)
            result = outcome
        else:
            result = _run_sync(engine, settings, school, full=full, show_progress=not as_json)
    if as_json:
        print(json.dumps(_result_json(result)))
    else:
        _print_result(result, school)
    if result.status == "failed":
        raise typer.Exit(1)


def _run_sync(
    engine: sa.Engine, settings: Settings, school: str, *, full: bool, show_progress: bool
) -> SyncResult:
    reader = wonde_reader(settings)
    notify = _notifier(engine)
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


def _notifier(engine: sa.Engine) -> Notify | None:
    """Email alerts when SMTP is configured (SCHOOLSYNC_SMTP_HOST and friends)."""
    smtp = SmtpSettings.from_env(os.environ)
    return email_notifier(engine, SmtpMailer(smtp)) if smtp else None


def _result_json(result: SyncResult) -> dict[str, Any]:
    return {
        "run_id": result.run_id,
        "status": result.status,
        "mode": result.mode,
        "counts": result.counts,
        "held": result.held or {},
        "holds": [
            {"rule": h.rule, "message": h.message, "losses": list(h.losses)} for h in result.holds
        ],
        "issues": len(result.issues),
        "message": result.message,
    }


def _print_result(result: SyncResult, key: str) -> None:
    colour = {"success": "green", "failed": "red"}.get(result.status, "yellow")
    out.print(
        f"Run {result.run_id} ({result.mode}): "
        f"[{colour}]{STATUS_LABELS.get(result.status, result.status)}[/{colour}]"
    )
    if result.message:
        out.print(result.message)
    if result.counts:
        table = Table("What", "Change", "Count")
        for entity, kinds in result.counts.items():
            for kind, count in kinds.items():
                table.add_row(entity.replace("_", " "), kind, str(count))
        out.print(table)
    elif result.status != "failed":
        out.print("Nothing changed: the store already matches the MIS.")
    for hold in result.holds:
        out.print(f"[yellow]Waiting for approval:[/yellow] {hold.message}")
        if hold.losses:
            out.print(f"    Approving removes: {', '.join(hold.losses)}")
    if result.holds:
        out.print(
            "Correct the MIS and the next sync goes ahead by itself, or approve with "
            f"`schoolsync sync {key} --manual`."
        )
    if result.issues:
        out.print(f"{len(result.issues)} issue(s): `schoolsync issues {key}` writes them as CSV.")


@app.command("import")
def import_command(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    file: Annotated[
        Path, typer.Argument(help="A CTF (.xml), a OneRoster zip or folder, or a staff CSV.")
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="ctf, oneroster or staff-csv; detected when not given."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Import a file through the same engine as a sync: issues, history and holds alike."""
    from schoolsync.sources.readers import import_reader

    if fmt is not None and fmt not in ("ctf", "oneroster", "staff-csv"):
        err.print(f"[red]Error:[/red] unknown format {fmt!r}; choose ctf, oneroster or staff-csv")
        raise typer.Exit(2)
    with _store() as (_settings, engine):
        kind, reader = import_reader(file, fmt)
        result = sync_school(
            engine,
            school,
            reader,
            trigger="file",
            file_import=True,
            source=kind,
            notify=_notifier(engine),
        )
    if as_json:
        print(json.dumps({**_result_json(result), "format": kind}))
    else:
        out.print(f"Imported {file.name} as {kind}.")
        _print_result(result, school)
    if result.status == "failed":
        raise typer.Exit(1)


@app.command()
def history(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    limit: Annotated[int, typer.Option(help="How many runs, newest first.")] = 20,
) -> None:
    """The school's sync history, newest first."""
    with _store() as (_settings, engine), engine.connect() as conn:
        record = school_store.get_school(conn, school)
        found = run_store.list_runs(conn, record.id, limit)
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
                        "issues": r.issue_count,
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
            str(run.issue_count),
        )
    out.print(table)


@app.command("issues")
def issues_command(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    run: Annotated[int | None, typer.Option("--run", help="A run id; default the latest.")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write the CSV here.")] = None,
) -> None:
    """Write a run's issues as the CSV schools download."""
    with _store() as (_settings, engine), engine.connect() as conn:
        record = school_store.get_school(conn, school)
        if run is not None and not run_store.run_exists(conn, record.id, run):
            raise ConfigError(f"School {school} has no run {run}; `schoolsync history` lists them")
        found = run_store.run_issues(conn, record.id, run)
    if output is None:
        write_issues_csv(found, sys.stdout)
        return
    with output.open("w", encoding="utf-8-sig", newline="") as handle:
        count = write_issues_csv(found, handle)
    err.print(f"Wrote {count} issue(s) to {output}")


@app.command()
def export(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    output: Annotated[Path, typer.Option("--output", help="A folder for the CSV files.")],
    fmt: Annotated[str, typer.Option("--format", help="Only 'oneroster' for now.")] = "oneroster",
) -> None:
    """Export what is synced now (OneRoster 1.2 bulk CSV)."""
    from schoolsync.exports.oneroster import export_oneroster

    if fmt != "oneroster":
        err.print(f"[red]Error:[/red] unknown format {fmt!r}; choose oneroster")
        raise typer.Exit(2)
    with _store() as (_settings, engine), engine.connect() as conn:
        record = school_store.get_school(conn, school)
        written = export_oneroster(conn, record.id, output, now=_now())
    total = sum(written.values())
    out.print(f"Wrote {total} rows in {len(written)} files to {output}")


@app.command("plan")
def plan_command(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    full: Annotated[bool, typer.Option("--full", help="Plan a full sync.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (every change).")] = False,
    limit: Annotated[int, typer.Option(help="How many changes to list in detail.")] = 40,
) -> None:
    """Dry run: what a sync would change now, field by field, and what it would hold.
    Writes nothing."""
    with _store() as (settings, engine):
        dry = plan_school(engine, school, wonde_reader(settings), full=full)
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
                    "changes": [
                        {
                            "entity": c.entity,
                            "kind": c.kind,
                            "key": c.key,
                            "name": c.name,
                            "held": id(c) in held,
                            "before": dict(c.before),
                            "after": dict(c.after),
                        }
                        for c in dry.plan.changes
                    ],
                },
                default=str,
            )
        )
        return
    out.print(
        f"A {dry.mode} sync would make {len(dry.plan)} change(s); "
        f"{len(dry.validated.issues)} issue(s)."
    )
    table = Table("What", "Change", "Name", "Before", "After", "Held?")
    for change in dry.plan.changes[:limit]:
        before = ", ".join(f"{k}={v}" for k, v in change.before.items() if k != "status")
        after = ", ".join(
            f"{k}={v}" for k, v in change.after.items() if k in change.before and k != "status"
        )
        table.add_row(
            change.entity.replace("_", " "),
            change.kind,
            change.name or change.key,
            before,
            after,
            "[yellow]held[/yellow]" if id(change) in held else "",
        )
    out.print(table)
    if len(dry.plan) > limit:
        out.print(f"... and {len(dry.plan) - limit} more (--json lists them all).")
    for hold in dry.guarded.holds:
        out.print(f"[yellow]Would wait for approval:[/yellow] {hold.message}")


@app.command("holds")
def holds_command(school: Annotated[str, typer.Argument(help="The school's key.")]) -> None:
    """Changes waiting for a person's approval."""
    from schoolsync.store.holds import pending_holds

    with _store() as (_settings, engine), engine.connect() as conn:
        record = school_store.get_school(conn, school)
        waiting = pending_holds(conn, record.id)
    if not waiting:
        out.print("Nothing is waiting for approval.")
    for hold in waiting:
        out.print(
            f"[yellow]{hold.rule}[/yellow] (run {hold.run_id}): {hold.message} "
            f"[{len(hold.changes)} change(s)]"
        )


@class_app.command("dependents")
def class_dependents(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    class_mis_id: Annotated[str, typer.Argument(help="The class's MIS id.")],
    count: Annotated[int, typer.Option(help="How many items hang off the class.")],
    label: Annotated[str, typer.Option(help="What they are, e.g. tasks.")] = "items",
) -> None:
    """Tell schoolsync what depends on a class, so warnings say what would be lost."""
    from schoolsync.store.holds import set_dependents

    if count < 0:
        raise typer.BadParameter("--count cannot be negative")
    with _store() as (_settings, engine), engine.begin() as conn:
        record = school_store.get_school(conn, school)
        set_dependents(conn, record.id, class_mis_id, count, label.strip() or "items", _now())
    out.print(f"Class {class_mis_id}: {count} {label}")


@school_app.command("settings")
def school_settings(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    alert_email: Annotated[
        list[str] | None,
        typer.Option(
            "--alert-email",
            help="Who is emailed when a sync needs approval or fails "
            "(repeatable; replaces the list).",
        ),
    ] = None,
    safeguard_mode: Annotated[
        str | None,
        typer.Option(
            "--safeguard-mode", help="partial (hold only major changes) or strict (hold the run)."
        ),
    ] = None,
    pupil_leavers_pct: Annotated[
        float | None,
        typer.Option(
            "--pupil-leavers-pct", help="Hold a run in which more than this % of pupils leave."
        ),
    ] = None,
    staff_leavers_pct: Annotated[
        float | None, typer.Option("--staff-leavers-pct", help="Same for staff.")
    ] = None,
    email_changes_pct: Annotated[
        float | None,
        typer.Option("--email-changes-pct", help="Hold when more than this % of emails change."),
    ] = None,
    email_domain: EmailDomains = None,
    require_email: RequireEmail = None,
    import_staff: Annotated[
        bool | None,
        typer.Option(
            "--import-staff/--no-import-staff",
            help="Whether staff come from the MIS; off, the school uploads its own staff CSV.",
        ),
    ] = None,
) -> None:
    """Show or change a school's settings."""
    changes: dict[str, Any] = {
        "alert_emails": alert_email,
        "safeguard_mode": safeguard_mode,
        "pupil_leavers_pct": pupil_leavers_pct,
        "staff_leavers_pct": staff_leavers_pct,
        "email_changes_pct": email_changes_pct,
        "allowed_domains": email_domain,
        "require_email": sorted(parse_roles(require_email)) if require_email else None,
        "import_staff": import_staff,
    }
    with _store() as (_settings, engine), engine.begin() as conn:
        record = school_store.get_school(conn, school)
        values = {
            **record.settings.to_json(),
            **{k: v for k, v in changes.items() if v is not None},
        }
        updated = SchoolSettings.from_json(values)
        school_store.update_settings(conn, record.id, updated)
    for name, value in updated.to_json().items():
        if name != "extra":
            out.print(f"{name}: {value}")


@app.command("serve")
def serve_api(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the REST API (OpenAPI at /docs). Needs SCHOOLSYNC_API_TOKEN."""
    import uvicorn

    from schoolsync.web.api import create_app

    token = os.environ.get("SCHOOLSYNC_API_TOKEN", "")
    if not token:
        err.print("[red]Error:[/red] set SCHOOLSYNC_API_TOKEN: every API request must send it")
        raise typer.Exit(2)
    with _store() as (_settings, engine):
        out.print(f"schoolsync API on http://{host}:{port}/api (docs at /docs)")
        uvicorn.run(create_app(engine, token), host=host, port=port, log_level="info")


# --- sandbox and demo --------------------------------------------------------------------


@sandbox_app.command("serve")
def sandbox_serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765,
    seed: Annotated[int, typer.Option(help="Seed of the generated school.")] = 1,
    pupils: Annotated[int, typer.Option(help="How many pupils.")] = 2000,
    token: Annotated[str, typer.Option(help="The API token clients must send.")] = "sandbox-token",
) -> None:
    """Serve a generated school over a Wonde-compatible API until stopped."""
    from schoolsync.sandbox import Sandbox, serve

    sandbox = Sandbox.demo(seed=seed, pupils=pupils, token=token)
    for school_id, school in sandbox.schools.items():
        out.print(f"School {school_id}: {school.name} ({len(school.students)} pupils)")
    out.print(f"Wonde-compatible API on http://127.0.0.1:{port}/v1.0/ (Ctrl+C stops it)")
    serve(sandbox, "127.0.0.1", port)


@sandbox_app.command("change")
def sandbox_change(
    kind: Annotated[
        str,
        typer.Argument(
            help="new_joiner, leaver, class_move, rename, email_change, year_group_change, "
            "emptied_class, deleted_class, deleted_subject, teacher_leaver; or 'random'."
        ),
    ],
    count: Annotated[int, typer.Option(help="How many changes.")] = 1,
    url: Annotated[
        str, typer.Option(help="The running sandbox's API base.")
    ] = "http://127.0.0.1:8765/v1.0/",
    school: Annotated[str, typer.Option(help="The sandbox school's Wonde id.")] = "A1930499544",
    token: Annotated[str, typer.Option(help="The sandbox's token.")] = "sandbox-token",
    seed: Annotated[int, typer.Option(help="Seed for 'random'.")] = 1,
) -> None:
    """Make day-to-day MIS changes in a running sandbox, so the next sync has news."""
    import httpx

    body: dict[str, Any] = (
        {"random": count, "seed": seed} if kind == "random" else {"kind": kind, "count": count}
    )
    root = url.split("/v1.0", 1)[0]
    try:
        response = httpx.post(
            f"{root}/sandbox/schools/{school}/changes",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
    except httpx.HTTPError as exc:
        err.print(f"[red]Error:[/red] no sandbox answered at {root} ({type(exc).__name__})")
        raise typer.Exit(1) from exc
    if not response.is_success:
        err.print(f"[red]Error:[/red] the sandbox said {response.status_code}: {response.text}")
        raise typer.Exit(1)
    for description in response.json().get("applied", []):
        out.print(f"- {description}")


@sandbox_app.command("ctf")
def sandbox_ctf(
    output: Annotated[Path, typer.Option("--output", help="Where to write the CTF (.xml).")],
    seed: Annotated[int, typer.Option(help="Seed of the generated school.")] = 1,
    pupils: Annotated[int, typer.Option(help="How many pupils.")] = 2000,
) -> None:
    """Write the sandbox school's pupils as a Common Transfer File (same UPNs as it serves)."""
    from schoolsync.sandbox import Sandbox
    from schoolsync.sandbox.ctf_export import school_ctf

    school = next(iter(Sandbox.demo(seed=seed, pupils=pupils).schools.values()))
    output.write_bytes(school_ctf(school))
    out.print(f"Wrote {len(school.students)} pupils of {school.name} to {output}")


@app.command()
def demo(
    pupils: Annotated[int, typer.Option(help="Size of the sandbox school.")] = 2000,
) -> None:
    """The main job on the embedded default: sync the built-in sandbox school into SQLite."""
    from schoolsync.sandbox import Sandbox, running_sandbox

    token = "sandbox-token"
    sandbox = Sandbox.demo(seed=1, pupils=pupils, token=token)
    school_id, sandbox_school = next(iter(sandbox.schools.items()))
    name = f"{sandbox_school.name} (sandbox)"
    with _store() as (settings, engine), running_sandbox(sandbox) as base_url:
        out.print(f"Started the sandbox Wonde API at {base_url}")
        with engine.begin() as conn:
            key = school_store.find_by_name(conn, name)
            if key is None:
                key = school_store.add_school(
                    conn,
                    name=name,
                    now=_now(),
                    secret_key=settings.secret_key,
                    wonde_school_id=school_id,
                    api_base_url=base_url,
                    token=token,
                ).key
                out.print(f"Added {name}: school key {key}")
            else:
                school_store.set_api_base_url(conn, key, base_url)
        result = _run_sync(engine, settings, key, full=True, show_progress=True)
        _print_result(result, key)
        with engine.connect() as conn:
            summary = school_store.summary(conn, key)
    out.print(
        f"\n{name} now has {summary['student']} pupils, {summary['teacher']} teachers, "
        f"{summary['staff']} other staff, {summary['contact']} contacts and "
        f"{summary['class']} classes ({len(result.issues)} issues)."
    )
    out.print(
        "\nWhat to try next:\n"
        f"  schoolsync history {key}\n"
        f"  schoolsync issues {key} --output issues.csv\n"
        f"  schoolsync export {key} --format oneroster --output oneroster/\n"
        "  schoolsync demo          (again: a re-sync of unchanged data changes nothing)\n"
        "  schoolsync sandbox serve (a sandbox you can point `school add --wonde-url` at)"
    )


def main() -> None:
    # Logs carry run ids, school keys and counts only; WARNING keeps a terminal quiet.
    logging.basicConfig(
        level=os.environ.get("SCHOOLSYNC_LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app()
