"""How the result of one run is shown: a table for people, one JSON object for scripts."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from schoolsync.cli.common import (
    STATUS_LABELS,
    out,
)
from schoolsync.engine.sync import SyncResult


def result_json(result: SyncResult) -> dict[str, Any]:
    return {
        "run_id": result.run_id,
        "status": result.status,
        "mode": result.mode,
        "counts": result.counts,
        "held": result.held or {},
        "holds": [
            {"rule": h.rule, "message": h.message, "losses": list(h.losses)} for h in result.holds
        ],
        "issues": len(result.issues),
        "open_issues": result.open_issues,
        "message": result.message,
    }


def print_result(result: SyncResult, key: str) -> None:
    colour = {"success": "green", "failed": "red"}.get(result.status, "yellow")
    out.print(
        f"Run {result.run_id} ({result.mode}): "
        f"[{colour}]{STATUS_LABELS.get(result.status, result.status)}[/{colour}]"
    )
    if result.message:
        out.print(result.message)
    if result.counts:
        table = Table("What", "Change", "Count")
        for entity, kinds in result.counts.items():
            for kind, count in kinds.items():
                table.add_row(entity.replace("_", " "), kind, str(count))
        out.print(table)
    elif result.status != "failed":
        out.print("Nothing changed: the store already matches the MIS.")
    for hold in result.holds:
        out.print(f"[yellow]Waiting for approval:[/yellow] {hold.message}")
        if hold.losses:
            out.print(f"    Approving removes: {', '.join(hold.losses)}")
    if result.holds:
        out.print(
            "Correct the MIS and the next sync goes ahead by itself, or approve with "
            f"`schoolsync sync {key} --manual`."
        )
    if result.issues or result.open_issues:
        out.print(
            f"{len(result.issues)} issue(s) in this run, {result.open_issues} open: "
            f"`schoolsync issues {key}` writes the open ones as CSV."
        )
