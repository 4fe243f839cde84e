"""`schoolsync import-existing | match | merge | disconnect`: a school's first connection, when
the product already had accounts and classes (docs/existing-accounts.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from schoolsync.cli.common import app, err, fail, open_store, out
from schoolsync.cli.exit_codes import ExitCode, for_status
from schoolsync.model.run_status import short_label

if TYPE_CHECKING:
    from schoolsync.services.first_connection import MatchReport

School = Annotated[str, typer.Argument(help="The school's key.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _file(path: Path | None) -> tuple[str, bytes] | None:
    if path is None:
        return None
    try:
        return path.name, path.read_bytes()
    except OSError as exc:
        fail(f"{path}: cannot be read ({exc.strerror})", ExitCode.USAGE)


@app.command("import-existing")
def import_existing_command(
    school: School,
    users: Annotated[Path, typer.Option("--users", help="users.csv: the product's accounts.")],
    classes: Annotated[
        Path | None, typer.Option("--classes", help="classes.csv: the product's classes.")
    ] = None,
    memberships: Annotated[
        Path | None, typer.Option("--memberships", help="memberships.csv: who is in each class.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Load the accounts, classes and class lists the product had before its MIS link. They
    stay unlinked (and the school does not sync) until `schoolsync merge`."""
    from schoolsync.services.first_connection import import_existing

    loaded = _file(users)
    assert loaded is not None
    with open_store(as_json=as_json) as (_settings, engine):
        counts = import_existing(engine, school, loaded, _file(classes), _file(memberships))
    if as_json:
        print(json.dumps(counts))
        return
    out.print(
        f"Loaded {counts['users']} account(s), {counts['classes']} class(es) and "
        f"{counts['memberships']} class place(s). Next: `schoolsync match {school}`."
    )


@app.command("match")
def match_command(
    school: School,
    choices: Annotated[
        Path | None,
        typer.Option("--choices", help="A CSV of mis_class_id,action,existing_class_id to save."),
    ] = None,
    resolve: Annotated[
        Path | None,
        typer.Option("--resolve", help="A CSV of mis_id,username_or_new to save."),
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", help="Ask about each class and pupil in turn.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """The class table of a first connection: for each MIS class, Match (with an existing class),
    Import for the first time, or No action, with its evidence; and the pupils left to resolve."""
    from schoolsync.services import first_connection as service
    from schoolsync.services.sources import mis_reader

    with open_store(as_json=as_json) as (settings, engine):
        read = mis_reader(settings)
        if choices is not None:
            saved = service.save_choices(engine, school, read, _file(choices) or ("", b""))
            err.print(f"Saved {saved} class choice(s).")
        if resolve is not None:
            saved = service.save_resolutions(engine, school, read, _file(resolve) or ("", b""))
            err.print(f"Saved {saved} answer(s) for pupils.")
        report = service.match_report(engine, school, read)
        if interactive:
            from schoolsync.cli.match_prompts import ask

            ask(engine, report)
            report = service.match_report(engine, school, read)
    if as_json:
        from schoolsync.services.first_connection import report_json

        print(json.dumps(report_json(report)))
        return
    show(report)


def show(report: MatchReport) -> None:
    from schoolsync.engine.matching.classes import ACTION_LABELS

    table = Table("MIS id", "MIS class", "Pupils", "Action", "Existing class", "Score", "Evidence")
    for row in report.rows:
        action = ACTION_LABELS[row.chosen.action] + (" (changed)" if row.changed else "")
        to_resolve = len(report.to_resolve.get(row.key, []))
        evidence = row.evidence + (f"; {to_resolve} pupil(s) to resolve" if to_resolve else "")
        table.add_row(
            escape(row.key),
            escape(row.mis_class.name),
            str(len(row.mis_class.student_ids)),
            action,
            escape(report.class_name(row.chosen.existing_class_id)),
            f"{row.score:.0%}" if row.score else "",
            escape(evidence),
        )
    out.print(table)
    if report.warning:
        out.print(f"[bold]Warning:[/bold] {escape(report.warning)}")
    unresolved = report.unresolved()
    for found in unresolved:
        options = "; ".join(
            f"{report.accounts[c.person_id]['username']} ({c.confidence:.0%}: {c.evidence})"
            for c in found.candidates
        )
        said = found.message or "not sure who this is"
        out.print(
            escape(
                f"To resolve: {found.key} {found.person.display_name}: {said}. "
                f"{found.evidence}. {options}"
            ),
            highlight=False,
        )
    linked = sum(1 for r in report.resolutions.values() if r.outcome == "linked")
    out.print(
        f"{len(report.rows)} class(es); {linked} person(s) matched to existing accounts, "
        f"{len(unresolved)} to resolve (`--resolve` with mis_id,username_or_new). "
        f"`schoolsync merge {report.school_key}` links them as shown."
    )


@app.command("merge")
def merge_command(school: School, as_json: AsJson = False) -> None:
    """Link the existing accounts and classes to the MIS as chosen in `match`, then run the
    first sync: from now on MIS changes flow to them, and nobody gets a second account."""
    from schoolsync.services.first_connection import merge
    from schoolsync.services.sources import mis_reader

    with open_store(as_json=as_json) as (settings, engine):
        summary = merge(engine, school, mis_reader(settings))
    result = summary.sync
    if as_json:
        print(
            json.dumps(
                {
                    "linked_accounts": summary.linked_accounts,
                    "linked_classes": summary.linked_classes,
                    "imported_classes": summary.imported_classes,
                    "left_alone_classes": summary.left_alone_classes,
                    "unresolved": summary.unresolved,
                    "untouched_accounts": summary.untouched_accounts,
                    "warning": summary.warning,
                    "run_id": result.run_id,
                    "status": result.status,
                    "counts": result.counts,
                }
            )
        )
        raise typer.Exit(for_status(result.status))
    if summary.warning:
        out.print(f"[bold]Warning:[/bold] {escape(summary.warning)}")
    created = sum(c.get("create", 0) for c in result.counts.values())
    out.print(
        f"Linked {summary.linked_accounts} existing account(s) and {summary.linked_classes} "
        f"class(es). The first sync (run {result.run_id}: {short_label(result.status)}) "
        f"created {created} record(s), importing {summary.imported_classes} class(es) for the "
        f"first time. Left alone: {summary.left_alone_classes} class(es) (No action), "
        f"{summary.untouched_accounts} existing account(s) no MIS person matched, and "
        f"{summary.unresolved} MIS person(s) still to resolve."
    )
    if summary.unresolved:
        out.print(
            f"Resolve them with `schoolsync match {school} --resolve FILE`, then run `schoolsync "
            f"merge {school}` again to link them."
        )
    raise typer.Exit(for_status(result.status))


@app.command("disconnect")
def disconnect_command(school: School) -> None:
    """Stop syncing this school from its MIS. Its accounts, classes and class lists stay
    exactly as they are."""
    from schoolsync.services.first_connection import disconnect

    with open_store() as (_settings, engine):
        disconnect(engine, school)
    out.print(
        f"{school} is disconnected from its MIS: it will not sync again. Nothing was removed: "
        "its accounts, classes and class lists stay as they are."
    )


@app.command("login-cards")
def login_cards_command(
    school: School,
    class_ref: Annotated[
        str | None,
        typer.Option("--class", help="The class (its MIS id, your own class id, or its name)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Where to write the cards (an HTML page).")
    ] = None,
    reissue: Annotated[
        bool, typer.Option("--reissue", help="New passwords for every pupil of the class.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Printable login cards for a class: each pupil's username and an initial password (shown
    once, on these cards; only its hash is kept). Without --class, lists the classes."""
    from schoolsync.services.login_cards import card_classes, issue_cards

    with open_store(as_json=as_json) as (_settings, engine):
        if class_ref is None:
            listed = card_classes(engine, school)
            if as_json:
                print(json.dumps([{"id": i, "name": n, "pupils": p} for i, n, p in listed]))
                return
            table = Table("Class", "Pupils")
            for _id, name, pupils in listed:
                table.add_row(escape(name), str(pupils))
            out.print(table)
            out.print(
                f"`schoolsync login-cards {school} --class NAME --output cards.html` writes a "
                "class's cards."
            )
            return
        if output is None:
            fail("--output is needed with --class: the cards carry passwords", ExitCode.USAGE)
        made = issue_cards(engine, school, class_ref, reissue=reissue)
    from schoolsync.web.cards_render import cards_file

    output.write_text(cards_file(made), encoding="utf-8")
    output.chmod(0o600)  # passwords: for the person who asked only
    new = sum(1 for card in made.cards if card.password)
    out.print(
        f"Wrote {len(made.cards)} login card(s) for {made.class_name} to {output}; {new} with a "
        "new password (shown only there)."
    )
