"""What each run status is called on screen, what it means, and the colour of its tag."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StatusLabel:
    tag: str
    meaning: str
    #: a GOV.UK tag colour: green, yellow, red, blue, grey
    colour: str


STATUSES = {
    "success": StatusLabel("Synced", "Everything from the MIS is up to date.", "green"),
    "success_with_warnings": StatusLabel(
        "Synced, with warnings",
        "Everything was synced; some values could not be read. Download the issues to see which.",
        "green",
    ),
    "issues_exist": StatusLabel(
        "Issues exist",
        "Some records were left out. Download the issues to see which, and why.",
        "yellow",
    ),
    "needs_approval": StatusLabel(
        "Needs approval",
        "Major changes are waiting for a person to approve them. Everything else was synced.",
        "blue",
    ),
    "failed": StatusLabel("Failed", "The sync could not finish. Nothing was changed.", "red"),
    "paused": StatusLabel("Paused", "Syncing is paused (term dates). Nothing was read.", "grey"),
    "running": StatusLabel("Syncing", "A sync is running now.", "blue"),
}
NEVER_SYNCED = StatusLabel("Never synced", "This school has not been synced yet.", "grey")
TRIGGERS = {
    "scheduled": "Nightly",
    "manual": "Started by a person",
    "expedited": "Expedited",
    "file": "File import",
}


def status_label(status: str | None) -> StatusLabel:
    if status is None:
        return NEVER_SYNCED
    return STATUSES.get(status, StatusLabel(status, "", "grey"))
