"""How the result of one run is shown: a table for people, one JSON object for scripts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape

from schoolsync.cli.common import (
    STATUS_LABELS,
    out,
)
from schoolsync.wording import entity_word

if TYPE_CHECKING:
    from collections.abc import Sequence

    from schoolsync.engine.hold_groups import HoldLike
    from schoolsync.engine.left_out import RoleLeftOut
    from schoolsync.pipeline import SyncResult


def result_json(result: SyncResult, left_out: Sequence[RoleLeftOut] = ()) -> dict[str, Any]:
    return {
        "run_id": result.run_id,
        "status": result.status,
        "mode": result.mode,
        "counts": result.counts,
        "held": result.held or {},
        "holds": [
            {"rule": h.rule, "message": h.message, "losses": list(h.losses)} for h in result.holds
        ],
        "hold_groups": groups_json(result.holds),
        "issues": len(result.issues),
        "roles_left_out": {r.role: r.count for r in left_out},
        "open_issues": result.open_issues,
        "message": result.message,
    }


def groups_json(holds: Sequence[HoldLike]) -> list[dict[str, Any]]:
    from schoolsync.engine.hold_groups import group_holds

    return [
        {"rule": g.rule, "count": len(g.holds), "summary": g.summary} for g in group_holds(holds)
    ]


def print_result(result: SyncResult, key: str, left_out: Sequence[RoleLeftOut] = ()) -> None:
    from rich.table import Table

    from schoolsync.cli.hold_view import print_hold_groups

    colour = {"success": "green", "failed": "red"}.get(result.status, "yellow")
    out.print(
        f"Run {result.run_id} ({result.mode}): "
        f"[{colour}]{STATUS_LABELS.get(result.status, result.status)}[/{colour}]"
    )
    if result.message:
        out.print(result.message)
    for role in left_out:
        out.print(f"[bold red]{escape(role.sentence(key))}[/bold red]")
    if result.counts:
        table = Table("What", "Change", "Count")
        for entity, kinds in result.counts.items():
            for kind, count in kinds.items():
                table.add_row(entity_word(entity), kind, str(count))
        out.print(table)
    elif result.status != "failed":
        out.print("Nothing changed: the store already matches the MIS.")
    print_hold_groups(out, result.holds, lead="Waiting for approval:")
    if result.holds:
        out.print(
            f"`schoolsync holds {key} --detail` lists each one. Correct the MIS and the next "
            f"sync goes ahead by itself, or approve with `schoolsync holds {key} --approve NUMBER` "
            f"or `schoolsync sync {key} --manual`."
        )
    if result.issues or result.open_issues:
        out.print(
            f"{len(result.issues)} issue(s) in this run, {result.open_issues} open: "
            f"`schoolsync issues {key}` writes the open ones as CSV."
        )
