"""Letting approved holds through while the rest stay held. Pure.

A person approves holds one by one or a rule at a time. An approval names a hold by its
fingerprint (its rule and exactly which changes it held), so it lets through only the changes
the person saw: if the MIS changed what the rule would hold, the fingerprint differs and the
new hold waits for a new approval.
"""

from __future__ import annotations

from collections.abc import Collection

from schoolsync.engine.consequences import consequences
from schoolsync.model.changes import Plan
from schoolsync.model.current import Current
from schoolsync.model.holds import Guarded, Hold


def release(
    plan: Plan, guarded: Guarded, approved: Collection[str], current: Current, *, strict: bool
) -> Guarded:
    """`guarded` with the holds whose fingerprints are in `approved` applied, not held.
    In strict mode the run stays held as a whole until every hold is approved."""
    kept = tuple(h for h in guarded.holds if h.fingerprint() not in approved)
    if len(kept) == len(guarded.holds) or (strict and kept):
        return guarded
    return withhold(plan, kept, current)


def withhold(plan: Plan, kept: tuple[Hold, ...], current: Current) -> Guarded:
    """The whole plan but the changes of `kept`, which stay held: what a person approved.
    A change that follows from a kept hold stays held too, even when an approved hold also
    listed it (each consequence is listed under the first hold it follows from)."""
    held_changes = [change for hold in kept for change in hold.changes]
    following = consequences(plan.changes, held_changes, current)
    apply_now, held_back = plan.split([*held_changes, *following])
    return Guarded(apply_now, held_back, kept)


def released_fingerprints(before: Guarded, after: Guarded) -> set[str]:
    """The fingerprints of the holds `release` let through."""
    return {h.fingerprint() for h in before.holds} - {h.fingerprint() for h in after.holds}
