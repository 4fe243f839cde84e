"""`schoolsync demo`: the built-in sandbox school synced into the embedded store, then the web
app served with a demo vendor admin until Ctrl-C (`--no-serve` stops after the sync)."""

from __future__ import annotations

import os
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
    from schoolsync.cli.results import left_out_by, print_result
    from schoolsync.cli.syncing import run_sync
    from schoolsync.sandbox import Sandbox, running_sandbox
    from schoolsync.store import schools as school_store
    from schoolsync.store.database import store_location

    if serve:
        # Before the sync: a busy port is said at once, not after a minute of syncing.
        refuse_busy_port(host, port)
    token = "sandbox-token"
    sandbox = Sandbox.demo(seed=1, pupils=pupils, token=token)
    school_id, sandbox_school = next(iter(sandbox.schools.items()))
    name = f"{sandbox_school.name} (sandbox)"
    with open_store() as (settings, engine), running_sandbox(sandbox) as base_url:
        out.print(f"Started the sandbox Wonde API at {base_url}")
        out.print(f"Your data is kept in {store_location(settings.database_url)}")
        with engine.begin() as conn:
            key = school_store.find_by_name(conn, name)
            if key is None:
                key = school_store.add_school(
                    conn,
                    name=name,
                    now=now(),
                    secret_key=settings.secret_key,
                    wonde_school_id=school_id,
                    api_base_url=base_url,
                    token=token,
                ).key
                out.print(f"Added {name}: school key {key}")
            else:
                school_store.set_api_base_url(conn, key, base_url)
        result = run_sync(engine, settings, key, full=True, show_progress=True)
        print_result(result, key, left_out_by(engine, key, result))
        with engine.connect() as conn:
            summary = school_store.summary(conn, key)
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
    from schoolsync.cli.syncing import notifier
    from schoolsync.sources.registry import school_reader
    from schoolsync.web.app import create_web_app

    password = new_password()
    _demo_admin(engine, password)
    app_ = create_web_app(
        engine,
        lambda: school_reader(settings),
        api_token=os.environ.get("SCHOOLSYNC_API_TOKEN") or None,
        notify=notifier(engine),
    )
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(f"\nOpen the web app: http://{shown}:{port}/schools/{key}", highlight=False)
    out.print(f"Log in as {DEMO_ADMIN} with the password {password}", highlight=False)
    out.print("(a new password at every start of the demo; Ctrl+C stops it)")
    uvicorn.run(app_, host=host, port=port, log_level="warning")


def _demo_admin(engine: Engine, password: str) -> None:
    """The demo's vendor admin, made on the first run and given `password` on every run."""
    from schoolsync.store import accounts as account_store

    with engine.begin() as conn:
        known = {user.email for user in account_store.list_users(conn)}
        if DEMO_ADMIN in known:
            account_store.set_password(conn, DEMO_ADMIN, password)
        else:
            account_store.add_user(
                conn, email=DEMO_ADMIN, role="vendor-admin", password=password, now=now()
            )
