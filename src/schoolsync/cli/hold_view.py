"""How held changes are printed: one line per rule, each hold on request."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console
from rich.markup import escape

from schoolsync.engine.hold_groups import HoldLike, group_holds


def print_hold_groups(
    console: Console,
    holds: Sequence[HoldLike],
    *,
    lead: str,
    detail: bool = False,
    numbers: Sequence[str] | None = None,
    items: Callable[[HoldLike], list[str]] | None = None,
) -> None:
    """`lead` starts each rule's line ("Waiting for approval:"); with `detail` every hold
    follows its rule's line, with its number (`numbers`, else its place in `holds`) and the
    first few of its changes by name (`items`)."""
    labels = list(numbers) if numbers is not None else [f"{n}" for n in range(1, len(holds) + 1)]
    label_of = {id(h): label for h, label in zip(holds, labels, strict=True)}
    for group in group_holds(holds):
        # The rule's name is what `holds --approve-rule` takes.
        console.print(
            f"[yellow]{lead}[/yellow] {escape(group.summary)} [dim](rule {group.rule})[/dim]"
        )
        if len(group.holds) == 1:
            _losses(console, group.holds[0], "    ")
        if not detail:
            continue
        if len(group.holds) > 1:
            for hold in group.holds:
                console.print(f"  {label_of[id(hold)]}: {escape(hold.message)}")
                _losses(console, hold, "      ")
                _items(console, hold, items)
        else:
            console.print(f"  {label_of[id(group.holds[0])]}: this hold's number")
            _items(console, group.holds[0], items)


def _losses(console: Console, hold: HoldLike, indent: str) -> None:
    losses = getattr(hold, "losses", ())
    if losses:
        console.print(f"{indent}Approving removes: {escape(', '.join(losses))}")


#: How many of a hold's changes `--detail` names.
ITEMS_SHOWN = 5


def _items(console: Console, hold: HoldLike, items: Callable[[HoldLike], list[str]] | None) -> None:
    if items is None:
        return
    names = items(hold)
    if not names:
        return
    more = len(names) - ITEMS_SHOWN
    listed = "; ".join(names[:ITEMS_SHOWN]) + (f"; and {more} more" if more > 0 else "")
    console.print(f"      Changes: {escape(listed)}")
