"""`schoolsync exclude`, `excluded` and `archive`: what a school does to its people by hand."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from schoolsync.cli.common import app, fail, now, open_store, out
from schoolsync.cli.exit_codes import ExitCode
from schoolsync.wording import entity_word


@app.command("exclude")
def exclude(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    person: Annotated[str, typer.Argument(help="The person's MIS id, UPN or Wonde id.")],
    undo: Annotated[
        bool, typer.Option("--undo", help="Include the person in the import again.")
    ] = False,
    by: Annotated[
        str | None, typer.Option("--by", help="Who excludes them (default: your user name).")
    ] = None,
) -> None:
    """Exclude one person from the import without touching the MIS; it lasts until --undo."""
    from schoolsync.services.people_admin import exclude as exclude_person
    from schoolsync.services.schools import school_named

    with open_store() as (settings, engine):
        school_named(engine, school)  # a mistyped key is named before anything is asked
        who = (by or "").strip() or settings.operator or ""
        if not who and not undo:
            fail("who excludes them? $USER and $LOGNAME are unset: pass --by NAME", ExitCode.USAGE)
        entry = exclude_person(engine, school, person, by=who, now=now(), undo=undo)
    name = f"{entity_word(entry.role).capitalize()} {escape(entry.name)}"
    if undo:
        out.print(f"{name} is included again: the next sync brings their MIS record across.")
    else:
        out.print(f"{name} is excluded: syncs leave them as they are until `--undo`.")


@app.command("excluded")
def excluded(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The people excluded from the import, with who excluded them and when."""
    from rich.table import Table

    from schoolsync.services.people_admin import excluded as list_excluded

    with open_store(as_json=as_json) as (_settings, engine):
        found = list_excluded(engine, school)
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "name": p.name, "role": p.role, "mis_id": p.mis_id, "upn": p.upn,
                        "wonde_id": p.source_id, "excluded_by": p.excluded_by,
                        "excluded_at": p.excluded_at.isoformat() if p.excluded_at else None,
                    }
                    for p in found
                ]
            )
        )  # fmt: skip
        return
    if not found:
        out.print("Nobody is excluded: every person in the MIS is imported.")
        return
    table = Table("Name", "Role", "MIS id", "Excluded by", "When (UTC)")
    for p in found:
        when = p.excluded_at.strftime("%Y-%m-%d %H:%M") if p.excluded_at else ""
        table.add_row(
            escape(p.name), entity_word(p.role), p.mis_id or "", escape(p.excluded_by or ""), when
        )
    out.print(table)


@app.command("archive")
def archive(
    school: Annotated[str, typer.Argument(help="The school's key.")],
    role: Annotated[
        str, typer.Option("--role", help="Whom to archive: pupil, teacher, staff or contact.")
    ],
) -> None:
    """Archive every person of a role (their data is kept), e.g. before uploading your own
    staff list."""
    from schoolsync.services.people_admin import archive as archive_role

    with open_store() as (_settings, engine):
        done = archive_role(engine, school, role, now())
    out.print(f"Archived {done.count} {entity_word(done.role)} record(s).")
    if done.import_still_on:
        option = "--no-" + done.import_still_on.replace("_", "-")
        out.print(
            f"The MIS import of this role is still on, so the next sync brings them back: "
            f"`schoolsync school settings {school} {option}` turns it off.",
            highlight=False,
        )
