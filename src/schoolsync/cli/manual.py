"""The manual sync, step by step, as schools know it: subjects, then classes, then the
warnings; Continue applies exactly the plan that was shown."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from rich.console import Console
from rich.prompt import Prompt
from rich.table import Table

from schoolsync.cli.hold_view import print_hold_groups
from schoolsync.engine.digest import plan_digest
from schoolsync.engine.hold_groups import parse_answer
from schoolsync.engine.manual_choice import (
    Choice,
    class_label,
    classes_chosen,
    classes_offered,
    subjects_chosen,
    subjects_offered,
)
from schoolsync.engine.safeguard import Hold
from schoolsync.engine.scope import Scope, scope_to_save
from schoolsync.errors import PlanChanged
from schoolsync.pipeline import (
    Approval,
    DryRun,
    SnapshotReader,
    SyncResult,
    plan_school,
    sync_school,
)
from schoolsync.store.catalogue import structure_names
from schoolsync.store.schools import get_school

#: Said before the first choice: what is chosen here lasts beyond this sync.
SCOPE_NOTE = (
    "What you choose in steps 1 and 2 is saved as the school's sync scope. Later syncs bring "
    "across only the chosen subjects and classes: a new class of a chosen subject joins by "
    "itself, a new subject waits until you choose it here. A subject or class that is missing "
    "from your MIS today keeps its place and syncs again if it comes back. "
    "`schoolsync school settings {key}` shows the scope; `--reset-scope` syncs everything again."
)

#: How often to re-plan when the MIS keeps changing under a non-interactive approval.
MAX_REPLANS = 3


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
    with engine.connect() as conn:
        school = get_school(conn, key)
        stored_subjects, _classes = structure_names(conn, school.id)
    first = plan_school(engine, key, read, full=True)
    previous = Scope.of(school.settings)
    console.print(SCOPE_NOTE.format(key=school.key))
    choice = _choose(console, first, previous, assume_yes)
    offered = {s.source_id for s in first.snapshot.subjects}
    scope = scope_to_save(choice.scope(), previous, offered, stored_subjects)
    for _ in range(MAX_REPLANS):
        shown = plan_school(engine, key, read, scope=scope)
        _warnings(console, shown)
        keep = frozenset[str]() if assume_yes else _approve(console, shown.guarded.holds)
        if keep is None:
            console.print("Stopped: nothing was changed.")
            return None
        try:
            return sync_school(
                engine,
                key,
                read,
                trigger="manual",
                approval=Approval(plan_digest(shown.plan), approved_by, scope, keep),
            )
        except PlanChanged as exc:
            console.print(f"[yellow]{exc}[/yellow]")
    console.print("The MIS kept changing; nothing was applied. Try again later.")
    return None


def _choose(console: Console, dry: DryRun, scope: Scope, assume_yes: bool) -> Choice:
    subjects = subjects_offered(dry.snapshot)
    chosen = subjects_chosen(dry.snapshot, scope)
    console.rule("Step 1 of 3: subjects")
    chosen = _pick(
        console, "subject", [(s.source_id, s.name) for s in subjects], chosen, assume_yes
    )
    classes = classes_offered(dry.snapshot, chosen)
    picked = classes_chosen(classes, scope, chosen)
    console.rule("Step 2 of 3: classes")
    picked = _pick(
        console,
        "class",
        [(c.source_id, class_label(c, subjects)) for c in classes],
        picked,
        assume_yes,
    )
    return Choice(
        frozenset(chosen), frozenset(picked), frozenset(c.source_id for c in dry.snapshot.classes)
    )


def _pick(
    console: Console, noun: str, items: list[tuple[str, str]], chosen: set[str], assume_yes: bool
) -> set[str]:
    """Show what is selected and what is not; take numbers to add or remove."""
    while True:
        table = Table("#", noun.capitalize(), "Synced?", show_lines=False)
        for number, (source_id, label) in enumerate(items, start=1):
            table.add_row(
                str(number), label, "[green]yes[/green]" if source_id in chosen else "[red]no[/red]"
            )
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
        for part in answer.replace(" ", "").split(","):
            if part.isdigit() and 1 <= int(part) <= len(items):
                source_id = items[int(part) - 1][0]
                chosen ^= {source_id}
            else:
                console.print(f"[red]{part!r} is not a number from the list[/red]")


def _warnings(console: Console, dry: DryRun) -> None:
    console.rule("Step 3 of 3: check the warnings")
    counts = dry.plan.counts()
    if not counts:
        console.print("Nothing would change: your data already matches the MIS.")
    for entity, kinds in counts.items():
        console.print(
            f"  {entity.replace('_', ' ')}: "
            + ", ".join(f"{n} {kind}" for kind, n in kinds.items())
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
        text = answer.strip().lower()
        if text in ("y", "yes"):
            return frozenset()
        if text in ("", "n", "no"):
            return None
        if holds and text == "detail":
            print_hold_groups(console, holds, lead="!", detail=True)
            continue
        try:
            picked = parse_answer(text, holds) if holds else None
        except ValueError as exc:
            console.print(f"[red]{exc}[/red]")
            continue
        if picked is None:
            console.print("[red]Answer y or n[/red]")
            continue
        if picked.left:
            console.print(
                f"{len(picked.left)} hold(s) stay held; `schoolsync holds` shows them later."
            )
        return frozenset(h.fingerprint() for h in picked.left)
