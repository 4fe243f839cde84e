"""`schoolsync demo`: the built-in sandbox school synced into the embedded store, then the web
app served with a demo vendor admin until Ctrl-C (`--no-serve` stops after the sync)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from schoolsync.cli.common import app, now, open_store, out
from schoolsync.cli.sandbox import refuse_busy_port

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from schoolsync.config import Settings

#: The demo's own account: a vendor admin, given a new password at every start of the demo.
DEMO_ADMIN = "demo-admin@schoolsync.example"


@app.command()
def demo(
    pupils: Annotated[int, typer.Option(help="Size of the sandbox school.")] = 2000,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Keep serving the web app after the sync (--no-serve: sync and stop).",
        ),
    ] = True,
    host: Annotated[str, typer.Option(help="Address the web app listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the web app.")] = 8000,
) -> None:
    """The main job on the embedded default: sync the built-in sandbox school into SQLite, then
    serve the web app (log in with the account it prints) until Ctrl-C."""
    from schoolsync.cli.results import print_result
    from schoolsync.cli.syncing import run_sync
    from schoolsync.sandbox import Sandbox, running_sandbox
    from schoolsync.services.demo import demo_school, school_summary
    from schoolsync.services.store import location

    if serve:
        # Before the sync: a busy port is said at once, not after a minute of syncing.
        refuse_busy_port(host, port)
    token = "sandbox-token"
    sandbox = Sandbox.demo(seed=1, pupils=pupils, token=token)
    school_id, sandbox_school = next(iter(sandbox.schools.items()))
    name = f"{sandbox_school.name} (sandbox)"
    with open_store() as (settings, engine), running_sandbox(sandbox) as base_url:
        out.print(f"Started the sandbox Wonde API at {base_url}")
        out.print(f"Your data is kept in {location(settings)}")
        key, added = demo_school(engine, settings, name, school_id, base_url, token, now())
        if added:
            out.print(f"Added {name}: school key {key}")
        done = run_sync(engine, settings, key, full=True, show_progress=True)
        result = done.result
        print_result(result, key, done.left_out)
        summary = school_summary(engine, key)
        out.print(
            f"\n{name} now has {summary['student']} pupils, {summary['teacher']} teachers, "
            f"{summary['staff']} other staff, {summary['contact']} contacts and "
            f"{summary['class']} classes ({len(result.issues)} issues)."
        )
        if not serve:
            out.print(
                "\nWhat to try next:\n"
                f"  schoolsync history {key}\n"
                f"  schoolsync issues {key} --output issues.csv\n"
                f"  schoolsync export {key} --format oneroster --output oneroster/\n"
                "  schoolsync demo          (again: a re-sync of unchanged data changes nothing)\n"
                "  schoolsync sandbox serve (a sandbox you can point `school add --wonde-url` at)"
            )
            return
        # The sandbox keeps running while the web app serves: Start sync reads it again.
        _serve_web_app(engine, settings, key, host, port)


def _serve_web_app(engine: Engine, settings: Settings, key: str, host: str, port: int) -> None:
    import uvicorn

    from schoolsync.accounts import new_password
    from schoolsync.services.sources import mis_readers, permissions_reader, photos_reader
    from schoolsync.services.syncing import notifier
    from schoolsync.web.app import create_web_app

    password = new_password()
    _demo_admin(engine, password)
    app_ = create_web_app(
        engine,
        mis_readers(settings),
        api_token=settings.api_token,
        notify=notifier(engine, settings),
        permissions=permissions_reader(settings),
        settings=settings,
        photos=photos_reader(settings),
    )
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(f"\nOpen the web app: http://{shown}:{port}/schools/{key}", highlight=False)
    out.print(f"Log in as {DEMO_ADMIN} with the password {password}", highlight=False)
    out.print("(a new password at every start of the demo; Ctrl+C stops it)")
    uvicorn.run(app_, host=host, port=port, log_level="warning")


def _demo_admin(engine: Engine, password: str) -> None:
    """The demo's vendor admin, made on the first run and given `password` on every run."""
    from schoolsync.services.accounts import add_user, list_users, set_password

    if DEMO_ADMIN in {user.email for user in list_users(engine)}:
        set_password(engine, DEMO_ADMIN, password)
    else:
        add_user(engine, email=DEMO_ADMIN, role="vendor-admin", password=password, now=now())
