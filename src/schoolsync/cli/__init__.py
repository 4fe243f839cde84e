"""The `schoolsync` command: thin command groups over the functions the web app also calls.

Each module registers its commands on the Typer apps in `common`; importing them here builds the
whole command tree.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import typer.main

from schoolsync.cli import reports, sandbox, schools, syncing
from schoolsync.cli.common import app
from schoolsync.cli.help_text import plain_metavars

__all__ = ["app", "build_command", "main"]
_COMMAND_GROUPS = (reports, sandbox, schools, syncing)


def main() -> None:
    # Logs carry run ids, school keys and counts only; WARNING keeps a terminal quiet.
    logging.basicConfig(
        level=os.environ.get("SCHOOLSYNC_LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    build_command()()


def build_command() -> Any:
    """The Click command tree Typer builds from `app`, with help in plain words."""
    command = typer.main.get_command(app)
    plain_metavars(command)
    return command
