"""Held changes grouped by the rule that held them, and a person's choice among them. Pure.

At the start of a school year one rule can hold hundreds of changes (328 emptied classes): a
person needs one line per rule, the detail when they ask for it, and a way to approve one hold
or one rule's holds while the rest stay held. The CLI, the API and the web wizard all show and
choose through these functions, so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class HoldLike(Protocol):
    """A hold as the engine makes it or as the store keeps it."""

    @property
    def rule(self) -> str: ...

    @property
    def target(self) -> str: ...

    @property
    def message(self) -> str: ...


H = TypeVar("H", bound=HoldLike)

#: What each rule's holds have in common, said once for the whole group (a group of one
#: shows the hold's own message instead).
RULE_TITLES: dict[str, str] = {
    "subject_gone": "subjects are no longer in your MIS",
    "class_gone": "classes are no longer in your MIS",
    "class_emptied": "classes had pupils and now have none (common at the start of a school year)",
    "mass_pupil_leavers": "mass leavings of pupils",
    "mass_staff_leavers": "mass leavings of staff",
    "mass_email_changes": "mass changes of emails",
    "mis_switch": "classes could not be re-linked with confidence after the MIS switch",
}
#: How many names a one-line summary shows before "and N more".
NAMES_SHOWN = 3


@dataclass(frozen=True, slots=True)
class HoldGroup(Generic[H]):
    rule: str
    holds: tuple[H, ...]

    @property
    def summary(self) -> str:
        """One line for the whole rule; a single hold keeps its own full message."""
        if len(self.holds) == 1:
            return self.holds[0].message
        title = RULE_TITLES.get(self.rule, f"changes held by {self.rule}")
        return f"{len(self.holds)} {title}: {_names(h.target for h in self.holds)}."


def group_holds(holds: Iterable[H]) -> list[HoldGroup[H]]:
    """Holds by rule, in the order the rules first appear (the safeguard's order)."""
    by_rule: dict[str, list[H]] = {}
    for hold in holds:
        by_rule.setdefault(hold.rule, []).append(hold)
    return [HoldGroup(rule, tuple(found)) for rule, found in by_rule.items()]


def summary_lines(holds: Iterable[HoldLike]) -> list[str]:
    return [group.summary for group in group_holds(holds)]


@dataclass(frozen=True, slots=True)
class Selection(Generic[H]):
    chosen: tuple[H, ...]
    left: tuple[H, ...]


def select(
    holds: Sequence[H], numbers: Iterable[int] = (), rules: Iterable[str] = ()
) -> Selection[H]:
    """Holds picked by their number in `holds` (from 1, as listed) or by rule.
    Raises ValueError naming what matched nothing, so a typo never approves nothing silently."""
    wanted_numbers = set(numbers)
    wanted_rules = set(rules)
    bad_numbers = sorted(n for n in wanted_numbers if not 1 <= n <= len(holds))
    present = {h.rule for h in holds}
    bad_rules = sorted(wanted_rules - present)
    if bad_numbers or bad_rules:
        problems = [f"no hold number {n}" for n in bad_numbers]
        problems += [f"nothing is held by rule {r!r}" for r in bad_rules]
        raise ValueError("; ".join(problems))
    chosen = tuple(
        h for n, h in enumerate(holds, start=1) if n in wanted_numbers or h.rule in wanted_rules
    )
    taken = {id(h) for h in chosen}
    return Selection(chosen, tuple(h for h in holds if id(h) not in taken))


def parse_answer(answer: str, holds: Sequence[H]) -> Selection[H]:
    """A wizard's answer: empty or "all" approves everything, "none" nothing; otherwise
    numbers and rule names, comma separated ("3, 7, class_emptied")."""
    text = answer.strip().lower()
    if text in ("", "all"):
        return Selection(tuple(holds), ())
    if text == "none":
        return Selection((), tuple(holds))
    numbers: list[int] = []
    rules: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part.isdigit():
            numbers.append(int(part))
        else:
            rules.append(part)
    return select(holds, numbers, rules)


def _names(names: Iterable[str]) -> str:
    listed = list(names)
    shown = ", ".join(f"'{n}'" for n in listed[:NAMES_SHOWN])
    more = len(listed) - NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown
