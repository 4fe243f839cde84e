"""Commands about schools: add, connect, list, and what depends on a class (settings are in
`cli/settings.py`)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from schoolsync.cli.common import (
    EmailDomains,
    RequireEmail,
    WondeToken,
    WondeUrl,
    class_app,
    fail,
    now,
    open_store,
    out,
    school_app,
)
from schoolsync.cli.exit_codes import ExitCode


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
    contact_name: Annotated[
        str | None,
        typer.Option(
            "--contact-name",
            help="The member of staff Wonde contacts to approve the app (asks for access).",
        ),
    ] = None,
    contact_email: Annotated[
        str | None, typer.Option("--contact-email", help="Their email address.")
    ] = None,
    contact_phone: Annotated[
        str | None, typer.Option("--contact-phone", help="Their phone number (optional).")
    ] = None,
    wonde_url: WondeUrl = None,
    wonde_token: WondeToken = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Connect a school to Wonde: ask for access naming the school's contact (the school then
    approves the app in its Wonde portal), or use a token obtained some other way."""
    from schoolsync.model.connection import label, next_step

    if (contact_name is None) != (contact_email is None) or (
        contact_phone is not None and contact_name is None
    ):
        fail(
            "name the school's contact with both --contact-name and --contact-email",
            ExitCode.USAGE,
            as_json=as_json,
        )
    with open_store(as_json=as_json) as (settings, engine):
        if contact_name is not None and contact_email is not None:
            from schoolsync.services.connections import check_contact, request_connection

            record = request_connection(
                engine,
                settings,
                school,
                wonde_school_id=wonde_school_id,
                contact=check_contact(contact_name, contact_email, contact_phone),
                now=now(),
                wonde_url=wonde_url,
                wonde_token=wonde_token,
            )
        else:
            from schoolsync.services.schools import connect_school

            record = connect_school(
                engine,
                settings,
                school,
                wonde_school_id=wonde_school_id,
                wonde_url=wonde_url,
                wonde_token=wonde_token,
            )
    state = record.state
    if as_json:
        print(json.dumps({"key": record.key, "wonde_school_id": wonde_school_id,
                          "state": state, "next": next_step(state)}))  # fmt: skip
        return
    out.print(f"{record.name} (Wonde school {wonde_school_id}): {label(state)}.", highlight=False)
    if state == "pending":
        out.print(f"What happens next: {next_step(state)}", highlight=False)
    else:
        out.print(f"`schoolsync sync {record.key}` runs the first sync.", highlight=False)


@school_app.command("check")
def school_check(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Ask Wonde where a connected school stands now (online, offline, revoked) and store it."""
    from schoolsync.model.connection import label, next_step
    from schoolsync.services.connections import check_connection

    with open_store(as_json=as_json) as (settings, engine):
        record = check_connection(engine, settings, school, now=now())
    if as_json:
        print(json.dumps({"key": record.key, "state": record.state,
                          "next": next_step(record.state)}))  # fmt: skip
        return
    out.print(f"{record.name}: {label(record.state)}. {next_step(record.state)}", highlight=False)


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
                        "connection": school.state,
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
    from schoolsync.model.connection import label

    table = Table("Key", "Name", "Source", "Connection", "Last full sync")
    for school in found:
        last = school.last_full_sync_at
        table.add_row(
            school.key,
            school.name,
            school.source_kind,
            label(school.state),
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
