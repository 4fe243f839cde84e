"""`schoolsync school settings KEY`: every setting of a school with its value and what it does,
and an option to change each (the options' help is the settings table's explanation)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape

from schoolsync.cli.common import EmailDomains, RequireEmail, open_store, out, school_app
from schoolsync.settings_table import GROUPS, SETTINGS, shown_value, spec


def _switch(name: str) -> Any:
    return typer.Option(spec(name).option, help=spec(name).explanation)


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
    import_pupils: Annotated[
        bool | None,
        typer.Option(
            "--import-pupils/--no-import-pupils",
            "--import-students/--no-import-students",
            help=spec("import_pupils").explanation,
        ),
    ] = None,
    import_teachers: Annotated[bool | None, _switch("import_teachers")] = None,
    import_staff: Annotated[bool | None, _switch("import_staff")] = None,
    sync_contacts: Annotated[
        bool | None,
        typer.Option(
            "--sync-contacts/--no-sync-contacts",
            "--import-contacts/--no-import-contacts",
            help=spec("sync_contacts").explanation,
        ),
    ] = None,
    sync_sen_types: Annotated[bool | None, _switch("sync_sen_types")] = None,
    sync_sen_provision: Annotated[bool | None, _switch("sync_sen_provision")] = None,
    sen_missing_means_none: Annotated[bool | None, _switch("sen_missing_means_none")] = None,
    custom_sen_code: Annotated[
        list[str] | None,
        typer.Option(
            "--custom-sen-code",
            metavar="CODE=K",
            help=spec("custom_sen_codes").explanation + " (repeatable)",
        ),
    ] = None,
    unexplained_as_unauthorised: Annotated[
        bool | None, _switch("unexplained_as_unauthorised")
    ] = None,
    sync_photos: Annotated[bool | None, _switch("sync_photos")] = None,
    username_pattern: Annotated[
        str | None,
        typer.Option("--username-pattern", help=spec("username_pattern").explanation),
    ] = None,
    paused: Annotated[bool | None, _switch("paused")] = None,
    sync_window: Annotated[
        str | None, typer.Option("--sync-window", help=spec("sync_window").explanation)
    ] = None,
    daytime_every: Annotated[
        int | None, typer.Option("--daytime-every", help=spec("daytime_every_hours").explanation)
    ] = None,
    school_hours: Annotated[
        str | None, typer.Option("--school-hours", help=spec("school_hours").explanation)
    ] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="The school's time zone (Europe/London).")
    ] = None,
    full_sync_every_hours: Annotated[
        int | None,
        typer.Option("--full-sync-every-hours", help=spec("full_sync_every_hours").explanation),
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
    """Show every setting of a school, with what it does; change any with its option."""
    from schoolsync.services.schools import update_settings

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
        "import_pupils": import_pupils,
        "import_teachers": import_teachers,
        "import_staff": import_staff,
        "sync_contacts": sync_contacts,
        "sync_sen_types": sync_sen_types,
        "sync_sen_provision": sync_sen_provision,
        "sen_missing_means_none": sen_missing_means_none,
        "custom_sen_codes": custom_sen_code,
        "unexplained_as_unauthorised": unexplained_as_unauthorised,
        "sync_photos": sync_photos,
        "username_pattern": username_pattern,
        "paused": paused,
        "sync_window": sync_window,
        "daytime_every_hours": daytime_every,
        "school_hours": school_hours,
        "timezone": timezone,
        "full_sync_every_hours": full_sync_every_hours,
    }
    with open_store(as_json=as_json) as (_settings, engine):
        shown = update_settings(engine, school, changes, reset_scope=reset_scope)
    values = shown.settings.to_json()
    if as_json:
        listed = {k: v for k, v in values.items() if k != "extra"}
        listed["timezone"] = shown.school.timezone  # a column of the school, not a setting
        listed["settings"] = [
            {
                "name": s.name,
                "group": s.group,
                "value": values[s.name],
                "explanation": s.explanation,
                "option": s.option,
            }
            for s in SETTINGS
        ]
        print(json.dumps(listed))
        return
    out.print(f"timezone: {escape(shown.school.timezone)}", highlight=False)
    for group in GROUPS:
        out.print(f"[bold]{group}[/bold]")
        for setting in (s for s in SETTINGS if s.group == group):
            shown_as = escape(shown_value(setting.name, values[setting.name]))
            out.print(f"  {setting.name}: {shown_as}", highlight=False)
            out.print(
                f"      {escape(setting.explanation)} ({escape(setting.option)})",
                highlight=False,
                style="dim",
            )
    out.print("[bold]Sync scope[/bold]")
    for line in shown.scope_lines:
        out.print(f"  {escape(line)}", highlight=False)
    if reset_scope:
        out.print("The scope was reset: the next sync brings across every subject and class.")
