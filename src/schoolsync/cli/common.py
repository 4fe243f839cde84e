"""What every command group shares: the Typer apps, the consoles, the store, option types."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from schoolsync.cli.exit_codes import ExitCode
from schoolsync.config import environment, home_from, legacy_store_hint, operator
from schoolsync.errors import ConfigError, SchoolsyncError
from schoolsync.model import run_status

if TYPE_CHECKING:
    # The store, the engine and their libraries are imported by the commands that use them:
    # `schoolsync --help` must not pay for SQLAlchemy and Alembic (bench/startup.py).
    import sqlalchemy as sa

    from schoolsync.config import Settings

# Plain (Click) help and usage errors: Typer's Rich help costs more start-up time than any
# command (about 0.1 s of imports, every run) and prints nothing a person needs.
app = typer.Typer(
    help="Keep an education product's people and classes in step with each school's MIS.\n\n"
    # Said up front: a store nobody can find is a store people start again by accident.
    # "\b" keeps Click from wrapping the paragraph, which would break a long path in two.
    f"\b\nData folder: {home_from(environment())}\n(set SCHOOLSYNC_HOME to move it).",
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode=None,
)
school_app = typer.Typer(help="Add and list schools.", no_args_is_help=True, rich_markup_mode=None)
sandbox_app = typer.Typer(
    help="The Wonde-compatible sandbox server.", no_args_is_help=True, rich_markup_mode=None
)
class_app = typer.Typer(
    help="Facts about classes that the product tells schoolsync.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _print_version(wanted: bool) -> None:
    if wanted:
        from schoolsync import __version__

        print(f"schoolsync {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    # No docstring: the app's own help (with the data folder) is what --help shows.
    pass


app.add_typer(school_app, name="school")
app.add_typer(class_app, name="class")
app.add_typer(sandbox_app, name="sandbox")

out = Console()
err = Console(stderr=True)

STATUS_LABELS = run_status.LABELS


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def error_json(message: str, code: int) -> str:
    """An error as a script reads it: one JSON object, on stderr."""
    return json.dumps({"error": message, "exit_code": int(code)})


def fail(message: str, code: ExitCode, *, as_json: bool = False) -> NoReturn:
    """Say what went wrong on stderr (one JSON object for scripts that asked for JSON) and exit."""
    if as_json:
        sys.stderr.write(error_json(message, code) + "\n")
    else:
        err.print(f"[red]Error:[/red] {escape(message)}")
    raise typer.Exit(code)


@functools.cache
def settings() -> Settings:
    """The process's settings, built once from the environment (the CLI is an entry point)."""
    from schoolsync.config import Settings

    return Settings.from_env()


@contextlib.contextmanager
def open_store(*, as_json: bool = False) -> Iterator[tuple[Settings, sa.Engine]]:
    """Settings and the migrated store (one per process, from the service layer), or a clear
    message and exit code 2; errors of the command inside are shown the same way."""
    from schoolsync.services.store import engine_for

    hint = legacy_store_hint(environment(), Path.cwd())
    if hint:
        err.print(hint)
    try:
        found = settings()
        engine = engine_for(found)
    except SchoolsyncError as exc:
        fail(str(exc), ExitCode.USAGE, as_json=as_json)
    try:
        yield found, engine
    except ConfigError as exc:
        fail(str(exc), ExitCode.USAGE, as_json=as_json)
    except SchoolsyncError as exc:
        fail(str(exc), ExitCode.FAILED, as_json=as_json)


def approver(given: str | None) -> str:
    """Who approves: the name given, else the person at the keyboard; empty when neither.
    Asked before the settings are built, so that a bad setting is still reported as one."""
    return (given or operator(environment()) or "").strip()


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
        help="Roles that must have an email, comma separated (pupil, teacher, staff). "
        "Default: teacher,staff.",
    ),
]
