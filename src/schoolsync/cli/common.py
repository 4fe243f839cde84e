"""What every command group shares: the Typer apps, the consoles, the store, option types."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.console import Console

from schoolsync import run_status
from schoolsync.config import Settings, home_from, legacy_store_hint
from schoolsync.errors import ConfigError, SchoolsyncError
from schoolsync.store.database import make_engine, upgrade

app = typer.Typer(
    help="Keep an education product's people and classes in step with each school's MIS.\n\n"
    # Said up front: a store nobody can find is a store people start again by accident.
    f"Data folder: {home_from(os.environ)} (set SCHOOLSYNC_HOME to move it).",
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

STATUS_LABELS = run_status.LABELS


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextlib.contextmanager
def open_store() -> Iterator[tuple[Settings, sa.Engine]]:
    """Settings and a migrated database, or a clear message and exit code 2."""
    hint = legacy_store_hint(os.environ, Path.cwd())
    if hint:
        err.print(hint)
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
