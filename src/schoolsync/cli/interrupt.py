"""Ctrl-C during a command that runs the pipeline: the run ends recorded as interrupted and the
school is freed (the engine does both), and the command exits 130, as shells expect of SIGINT."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer

from schoolsync.cli.common import err

#: 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        # Click would print "Aborted!" and exit 1, which a script cannot tell from a failure.
        err.print("Interrupted: nothing was changed; a run under way is recorded as interrupted.")
        raise typer.Exit(EXIT_INTERRUPTED) from None
