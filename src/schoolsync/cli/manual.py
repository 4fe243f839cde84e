"""The manual sync, step by step, as schools know it: subjects, then classes, then the
warnings; Continue applies exactly the plan that was shown.

Only the questions and tables live here: what is offered, what an answer means and the scope
that is saved are `engine/choices.py`, shared with the web wizard; the steps against the store
are `services/manual.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.prompt import Prompt
from rich.table import Table

from schoolsync.cli.hold_view import print_hold_groups
from schoolsync.engine import choices
from schoolsync.engine.choices import Offer
from schoolsync.engine.safeguard import Hold
from schoolsync.errors import PlanChanged
from schoolsync.services import manual as steps
from schoolsync.services.manual import MAX_REPLANS
from schoolsync.wording import entity_word

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.pipeline import DryRun, SnapshotReader, SyncResult

__all__ = ["MAX_REPLANS", "SCOPE_NOTE", "manual_sync"]

#: Said before the first choice: what is chosen here lasts beyond this sync.
SCOPE_NOTE = (
    "What you choose in steps 1 and 2 is saved as the school's sync scope. Later syncs bring "
    "across only the chosen subjects and classes: a new class of a chosen subject joins by "
    "itself, a new subject waits until you choose it here. A subject or class that is missing "
    "from your MIS today keeps its place and syncs again if it comes back. "
    "`schoolsync school settings {key}` shows the scope; `--reset-scope` syncs everything again."
)


def manual_sync(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    console: Console,
    *,
    assume_yes: bool,
    approved_by: str,
) -> SyncResult | None:
    """Returns the run, or None when the person stopped before Continue."""
    start = steps.start(engine, key, read)
    console.print(SCOPE_NOTE.format(key=start.school.key))
    snapshot = start.dry.snapshot
    console.rule("Step 1 of 3: subjects")
    subjects = _pick(console, "subject", choices.subjects_offered(snapshot, start.previous),
                     assume_yes)  # fmt: skip
    console.rule("Step 2 of 3: classes")
    offered = choices.classes_offered(snapshot, start.previous, subjects)
    classes = _pick(console, "class", offered, assume_yes)
    scope = start.scope(choices.choice(snapshot, subjects, classes))
    for _ in range(MAX_REPLANS):
        shown = steps.preview(engine, key, read, scope)
        _warnings(console, shown)
        keep = frozenset[str]() if assume_yes else _approve(console, shown.guarded.holds)
        if keep is None:
            console.print("Stopped: nothing was changed.")
            return None
        try:
            return steps.apply(
                engine, key, read, shown, scope=scope, approved_by=approved_by, keep=keep
            )
        except PlanChanged as exc:
            console.print(f"[yellow]{exc}[/yellow]")
    console.print("The MIS kept changing; nothing was applied. Try again later.")
    return None


def _pick(console: Console, noun: str, offer: Offer, assume_yes: bool) -> frozenset[str]:
    """Show what is selected and what is not; take numbers to add or remove."""
    chosen = offer.chosen
    while True:
        table = Table("#", noun.capitalize(), "Synced?", show_lines=False)
        for number, option in enumerate(offer.options, start=1):
            synced = "[green]yes[/green]" if option.source_id in chosen else "[red]no[/red]"
            table.add_row(str(number), option.label, synced)
        console.print(table)
        if assume_yes:
            return chosen
        answer = Prompt.ask(
            f"Numbers of {noun}s to add or remove (e.g. 3,7), or Enter to go on",
            console=console,
            default="",
        )
        if not answer.strip():
            return chosen
        toggled = choices.toggle(offer, chosen, answer)
        for problem in toggled.problems:
            console.print(f"[red]{problem}[/red]")
        chosen = toggled.chosen


def _warnings(console: Console, dry: DryRun) -> None:
    console.rule("Step 3 of 3: check the warnings")
    counts = dry.plan.counts()
    if not counts:
        console.print("Nothing would change: your data already matches the MIS.")
    for entity, kinds in counts.items():
        console.print(
            f"  {entity_word(entity)}: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items())
        )
    holds: Sequence[Hold] = dry.guarded.holds
    if holds:
        console.print(
            "\n[bold]These changes would remove things. Check them before you continue:[/bold]"
        )
    print_hold_groups(console, holds, lead="!")
    console.print("\nPupils' own work is never deleted by a sync.")


def _approve(console: Console, holds: Sequence[Hold]) -> frozenset[str] | None:
    """Ask what to apply: everything, nothing, or only some holds (numbers or rule names) with
    the rest left held. Returns the fingerprints of the holds to leave held; None to stop."""
    question = "Continue and apply exactly this plan?"
    if holds:
        question += (
            " y applies it all; or type the numbers or rules of the holds to approve "
            "(e.g. 2,5 or class_emptied) and the rest stay held; 'detail' lists them"
        )
    while True:
        answer = Prompt.ask(f"{question} [y/n]", console=console, default="n", show_default=False)
        meant = choices.approval(answer, holds)
        if meant.action == "stop":
            return None
        if meant.action == "detail":
            print_hold_groups(console, holds, lead="!", detail=True)
        elif meant.action == "again":
            console.print(f"[red]{meant.message}[/red]")
        else:
            if meant.keep:
                console.print(
                    f"{len(meant.keep)} hold(s) stay held; `schoolsync holds` shows them later."
                )
            return meant.keep
