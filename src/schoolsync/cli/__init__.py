"""The `schoolsync` command: thin command groups over the functions the web app also calls.

Each module registers its commands on the Typer apps in `common`; importing them here builds the
whole command tree.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
import typer.main

from schoolsync.cli import (
    attendance,
    classes,
    demo,
    first_connection,
    fleet,
    holds,
    people_admin,
    permissions,
    reports,
    run_detail,
    runners,
    sandbox,
    sandbox_access,
    schools,
    settings,
    syncing,
    terms,
    users,
)
from schoolsync.cli.common import app, error_json
from schoolsync.cli.exit_codes import ExitCode
from schoolsync.cli.help_text import plain_metavars
from schoolsync.config import environment, log_level
from schoolsync.logs import configure_logging

__all__ = ["app", "build_command", "main"]
_COMMAND_GROUPS = (
    attendance, classes, demo, first_connection, fleet, holds, people_admin, permissions, reports,
    run_detail, runners, sandbox, sandbox_access, schools, settings, syncing, terms, users,
)  # fmt: skip


def main() -> None:
    configure_logging(log_level(environment()))
    command = build_command()
    if "--json" not in sys.argv[1:]:
        command()
        return
    # A script that asked for JSON gets a wrong option or a missing argument as JSON too.
    try:
        code = command.main(sys.argv[1:], "schoolsync", standalone_mode=False)
    except typer.TyperException as exc:  # Click's usage errors, as Typer exports them
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        code = getattr(exc, "exit_code", ExitCode.USAGE)
        sys.stderr.write(error_json(message, code) + "\n")
    except typer.Abort:
        code = ExitCode.FAILED
    sys.exit(code or 0)


def build_command() -> Any:
    """The Click command tree Typer builds from `app`, with help in plain words."""
    command = typer.main.get_command(app)
    plain_metavars(command)
    return command
