"""Commands about schools: add, connect, list, settings, and what depends on a class."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape

from schoolsync.cli.common import (
    EmailDomains,
    RequireEmail,
    WondeToken,
    WondeUrl,
    class_app,
    now,
    open_store,
    out,
    school_app,
)


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
    from schoolsync.services.schools import add_school

    with open_store() as (settings, engine):
        school = add_school(
            engine,
            settings,
            name=name,
            now=now(),
            wonde_school_id=wonde_school_id,
            wonde_url=wonde_url,
            wonde_token=wonde_token,
            email_domains=email_domain or (),
            require_email=require_email,
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
    from schoolsync.services.schools import connect_school

    with open_store() as (settings, engine):
        record = connect_school(
            engine,
            settings,
            school,
            wonde_school_id=wonde_school_id,
            wonde_url=wonde_url,
            wonde_token=wonde_token,
        )
    out.print(
        f"{record.name} is now fed by Wonde school {wonde_school_id}. "
        f"`schoolsync sync {record.key}` runs the first sync."
    )


@school_app.command("list")
def school_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the schools and their keys."""
    from rich.table import Table

    from schoolsync.services.schools import list_schools

    with open_store(as_json=as_json) as (_settings, engine):
        found = list_schools(engine)
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "key": school.key,
                        "name": school.name,
                        "source": school.source_kind,
                        "last_full_sync_at": (
                            school.last_full_sync_at.isoformat()
                            if school.last_full_sync_at
                            else None
                        ),
                    }
                    for school in found
                ]
            )
        )
        return
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


@class_app.command("dependents")
def class_dependents(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    class_mis_id: Annotated[str, typer.Argument(help="The class's MIS id.")],
    count: Annotated[int, typer.Option(help="How many items hang off the class.")],
    label: Annotated[str, typer.Option(help="What they are, e.g. tasks.")] = "items",
) -> None:
    """Tell schoolsync what depends on a class, so warnings say what would be lost."""
    from schoolsync.services.schools import set_class_dependents

    if count < 0:
        raise typer.BadParameter("--count cannot be negative")
    with open_store() as (_settings, engine):
        set_class_dependents(engine, school, class_mis_id, count, label, now())
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
    username_pattern: Annotated[
        str | None,
        typer.Option(
            "--username-pattern",
            help="How new accounts' usernames are made: initial-surname (jsmith), "
            "forename-initial-digits (jonathans42) or forename.surname.",
        ),
    ] = None,
    paused: Annotated[
        bool | None,
        typer.Option("--paused/--resumed", help="Pause autosync (the scheduler skips it)."),
    ] = None,
    sync_window: Annotated[
        str | None,
        typer.Option("--sync-window", help="Local time span of the nightly sync (01:00-05:00)."),
    ] = None,
    daytime_every: Annotated[
        int | None,
        typer.Option("--daytime-every", help="Also sync every N hours in school hours; 0: off."),
    ] = None,
    school_hours: Annotated[
        str | None, typer.Option("--school-hours", help="School hours (08:00-16:00).")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="The school's time zone (Europe/London).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")] = False,
    reset_scope: Annotated[
        bool,
        typer.Option(
            "--reset-scope",
            help="Forget the subjects and classes chosen in manual syncs: sync everything again.",
        ),
    ] = False,
) -> None:
    """Show or change a school's settings."""
    from schoolsync.services.schools import update_settings
    from schoolsync.wording import entity_word

    changes: dict[str, Any] = {
        "alert_emails": alert_email,
        "safeguard_mode": safeguard_mode,
        "pupil_leavers_pct": pupil_leavers_pct,
        "staff_leavers_pct": staff_leavers_pct,
        "email_changes_pct": email_changes_pct,
        "allowed_domains": email_domain,
        # Checked by the service inside open_store, which turns a bad role into a clear error
        # (exit 2) instead of a traceback.
        "require_email": require_email,
        "import_staff": import_staff,
        "username_pattern": username_pattern,
        "paused": paused,
        "sync_window": sync_window,
        "daytime_every_hours": daytime_every,
        "school_hours": school_hours,
        "timezone": timezone,
    }
    with open_store(as_json=as_json) as (_settings, engine):
        shown = update_settings(engine, school, changes, reset_scope=reset_scope)
    updated = shown.settings
    if as_json:
        shown_json = {k: v for k, v in updated.to_json().items() if k != "extra"}
        print(json.dumps({**shown_json, "timezone": shown.school.timezone}))
        return
    out.print(f"timezone: {shown.school.timezone}")
    for name, value in updated.to_json().items():
        if name == "require_email":
            value = [entity_word(role) for role in value]  # people say pupil
        if name != "extra" and not name.startswith("scope_"):
            out.print(f"{name}: {value}")
    out.print("sync scope:", highlight=False)
    for line in shown.scope_lines:
        out.print(f"  {escape(line)}", highlight=False)
    if reset_scope:
        out.print("The scope was reset: the next sync brings across every subject and class.")
