"""The `schoolsync` command: thin command groups over the functions the web app also calls.

Each module registers its commands on the Typer apps in `common`; importing them here builds the
whole command tree.
"""

from __future__ import annotations

import logging
import os

from schoolsync.cli import (
    classes,
    holds,
    reports,
    run_detail,
    sandbox,
    schools,
    syncing,
    users,
)
from schoolsync.cli.common import app

__all__ = ["app", "main"]
_COMMAND_GROUPS = (classes, holds, reports, run_detail, sandbox, schools, syncing, users)


def main() -> None:
    # Logs carry run ids, school keys and counts only; WARNING keeps a terminal quiet.
    logging.basicConfig(
        level=os.environ.get("SCHOOLSYNC_LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app()
