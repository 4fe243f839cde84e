"""What a run's status can be, and the plain-English label a school reads for each: the one
place the CLI, the API and the alerts take them from."""

from __future__ import annotations

from typing import Literal

RunStatus = Literal[
    "running",
    "success",
    "success_with_warnings",
    "issues_exist",
    "needs_approval",
    "failed",
    "paused",
    "interrupted",
    "skipped",
]

RUNNING: RunStatus = "running"
SUCCESS: RunStatus = "success"
#: Nothing was left out, but some values or rows were dropped (a warning each), as Microsoft SDS
#: shows it: a school must not read "Successful" and miss them.
SUCCESS_WITH_WARNINGS: RunStatus = "success_with_warnings"
ISSUES_EXIST: RunStatus = "issues_exist"
NEEDS_APPROVAL: RunStatus = "needs_approval"
FAILED: RunStatus = "failed"
PAUSED: RunStatus = "paused"
#: Stopped before it finished (Ctrl-C, or its process ended): nothing it read was applied.
INTERRUPTED: RunStatus = "interrupted"
#: Not run: the school's connection does not let it sync (waiting for approval, declined,
#: revoked, offline). Nothing was read.
SKIPPED: RunStatus = "skipped"

LABELS: dict[str, str] = {
    RUNNING: "Running",
    SUCCESS: "Successful",
    SUCCESS_WITH_WARNINGS: "Successful, with warnings",
    ISSUES_EXIST: "Issues exist: some records were left out",
    NEEDS_APPROVAL: "Needs approval: major changes are waiting",
    FAILED: "Failed: nothing was changed",
    PAUSED: "Paused",
    INTERRUPTED: "Interrupted: stopped before it finished; nothing was changed",
    SKIPPED: "Skipped: the school's connection does not let it sync; nothing was read",
}


#: What each status means, in a sentence a school reads next to its tag.
MEANINGS: dict[str, str] = {
    RUNNING: "A sync is running now.",
    SUCCESS: "Everything from the MIS is up to date.",
    SUCCESS_WITH_WARNINGS: (
        "Everything was synced; some values could not be read. Download the issues to see which."
    ),
    ISSUES_EXIST: "Some records were left out. Download the issues to see which, and why.",
    NEEDS_APPROVAL: (
        "Major changes are waiting for a person to approve them. Everything else was synced."
    ),
    FAILED: "The sync could not finish. Nothing was changed.",
    PAUSED: "Syncing is paused (term dates). Nothing was read.",
    INTERRUPTED: "The sync stopped before it finished. Nothing it read was applied.",
    SKIPPED: "The sync did not run: the school's Wonde connection does not let it (see why).",
}
#: A school that has no run yet.
NEVER_SYNCED = "Never synced"
NEVER_SYNCED_MEANING = "This school has not been synced yet."


def label(status: str) -> str:
    return LABELS.get(status, status)


def short_label(status: str) -> str:
    """The label's name alone ("Issues exist"), for a tag beside which the meaning is written."""
    return label(status).split(":", 1)[0]


def meaning(status: str) -> str:
    return MEANINGS.get(status, "")


def status_of(*, needs_approval: bool, errors: int, warnings: int) -> RunStatus:
    """The status of a run that was applied: what waits for a person matters most, then what
    was left out, then what was dropped."""
    if needs_approval:
        return NEEDS_APPROVAL
    if errors:
        return ISSUES_EXIST
    return SUCCESS_WITH_WARNINGS if warnings else SUCCESS
