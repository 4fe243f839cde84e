"""Commands about schools: add, connect, list, settings, and what depends on a class."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

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
from schoolsync.engine.scope import Scope, describe_scope
from schoolsync.errors import ConfigError
from schoolsync.school_settings import SchoolSettings, parse_domains, parse_roles
from schoolsync.store import schools as school_store
from schoolsync.store.catalogue import structure_names


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
    with open_store() as (settings, engine):
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
                now=now(),
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
    with open_store() as (settings, engine), engine.begin() as conn:
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
    with open_store() as (_settings, engine), engine.connect() as conn:
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


@class_app.command("dependents")
def class_dependents(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    class_mis_id: Annotated[str, typer.Argument(help="The class's MIS id.")],
    count: Annotated[int, typer.Option(help="How many items hang off the class.")],
    label: Annotated[str, typer.Option(help="What they are, e.g. tasks.")] = "items",
) -> None:
    """Tell schoolsync what depends on a class, so warnings say what would be lost."""
    from schoolsync.store.catalogue import class_known
    from schoolsync.store.holds import set_dependents

    if count < 0:
        raise typer.BadParameter("--count cannot be negative")
    with open_store() as (_settings, engine), engine.begin() as conn:
        record = school_store.get_school(conn, school)
        if not class_known(conn, record.id, class_mis_id):
            raise ConfigError(
                f"School {record.key} has no class with MIS id {class_mis_id!r}; "
                f"`schoolsync classes {record.key} --search NAME` finds a class's MIS id"
            )
        set_dependents(conn, record.id, class_mis_id, count, label.strip() or "items", now())
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
    reset_scope: Annotated[
        bool,
        typer.Option(
            "--reset-scope",
            help="Forget the subjects and classes chosen in manual syncs: sync everything again.",
        ),
    ] = False,
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
    with open_store() as (_settings, engine), engine.begin() as conn:
        record = school_store.get_school(conn, school)
        values = {
            **record.settings.to_json(),
            **{k: v for k, v in changes.items() if v is not None},
        }
        if reset_scope:
            values.update(scope_subjects=None, scope_classes=None, scope_known_classes=None)
        updated = SchoolSettings.from_json(values)
        school_store.update_settings(conn, record.id, updated)
        if reset_scope:
            school_store.forget_sync_point(conn, record.id)
        subject_names, class_names = structure_names(conn, record.id)
    for name, value in updated.to_json().items():
        if name != "extra" and not name.startswith("scope_"):
            out.print(f"{name}: {value}")
    out.print("sync scope:", highlight=False)
    for line in describe_scope(Scope.of(updated), subject_names, class_names):
        out.print(f"  {escape(line)}", highlight=False)
    if reset_scope:
        out.print("The scope was reset: the next sync brings across every subject and class.")
