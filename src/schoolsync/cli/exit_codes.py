"""The exit codes of `schoolsync`: one table, so scripts and cron can tell outcomes apart.

The README's "Exit codes" section lists the same table; keep them together.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    #: Done. A run that left some records out still exits 0: its issues are in `issues`.
    OK = 0
    #: The run failed (nothing was applied) or the command could not do its job.
    FAILED = 1
    #: A wrong option, value or setting: the command line or configuration needs fixing.
    USAGE = 2
    #: The run held major changes for a person's approval (`schoolsync sync KEY --manual`).
    NEEDS_APPROVAL = 3
    #: Stopped with Ctrl-C; the run is recorded as interrupted (128 + SIGINT, as shells do).
    INTERRUPTED = 130


_BY_STATUS = {
    "failed": ExitCode.FAILED,
    "needs_approval": ExitCode.NEEDS_APPROVAL,
    "interrupted": ExitCode.INTERRUPTED,
}


def for_status(status: str) -> ExitCode:
    """What a command that ran a sync exits with, from the run's status."""
    return _BY_STATUS.get(status, ExitCode.OK)
