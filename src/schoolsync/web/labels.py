"""How the web app shows a run status: the words come from `schoolsync.model.run_status` (the one
place the CLI, the API, the alerts and these pages take them from); only the colour of each
tag is the web's own."""

from __future__ import annotations

from dataclasses import dataclass

from schoolsync.model import run_status


@dataclass(frozen=True, slots=True)
class StatusLabel:
    tag: str
    meaning: str
    #: a GOV.UK tag colour: green, yellow, red, blue, grey
    colour: str


COLOURS: dict[str, str] = {
    run_status.SUCCESS: "green",
    run_status.SUCCESS_WITH_WARNINGS: "green",
    run_status.ISSUES_EXIST: "yellow",
    run_status.NEEDS_APPROVAL: "blue",
    run_status.FAILED: "red",
    run_status.PAUSED: "grey",
    run_status.RUNNING: "blue",
    run_status.INTERRUPTED: "red",
    run_status.SKIPPED: "grey",
}
TRIGGERS = {
    "scheduled": "Nightly",
    "manual": "Started by a person",
    "expedited": "Expedited",
    "file": "File import",
}


def status_label(status: str | None) -> StatusLabel:
    if status is None:
        return StatusLabel(run_status.NEVER_SYNCED, run_status.NEVER_SYNCED_MEANING, "grey")
    return StatusLabel(
        run_status.short_label(status), run_status.meaning(status), COLOURS.get(status, "grey")
    )
