"""The decision step of one sync, whole and pure: from what the source sent and what the store
holds, which changes to make now and which to hold for a person.

    leavers by date -> SEN settings -> import toggles
    -> fit -> scope -> (left alone) -> match -> validate -> (no second accounts) -> plan
    -> safeguard

The two steps in brackets run once a first connection has merged (`engine/matching/guard.py`).

The pipeline loads `current` and `dependents` from the store, calls `decide`, and writes what
it returns; everything between is values in, values out, so it is tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from schoolsync.engine.fit import Sizes, fit
from schoolsync.engine.identity import PERSON_KEYS, match_people
from schoolsync.engine.import_choices import apply_import_choices
from schoolsync.engine.leavers import apply_dates
from schoolsync.engine.matching.guard import guard_people, leave_alone
from schoolsync.engine.plan import make_plan
from schoolsync.engine.relink import (
    SWITCH_PERSON_KEYS,
    Relinked,
    hold_doubts,
    looks_like_mis_switch,
    relink,
)
from schoolsync.engine.safeguard import safeguard
from schoolsync.engine.scope import apply_scope
from schoolsync.engine.sen import apply_sen_settings
from schoolsync.engine.validate import Validated, validate
from schoolsync.model import Snapshot
from schoolsync.model.changes import Plan
from schoolsync.model.current import Current
from schoolsync.model.existing import MergedChoices
from schoolsync.model.holds import Dependents, Guarded
from schoolsync.model.scope import Scope
from schoolsync.school_settings import SchoolSettings


@dataclass(frozen=True, slots=True)
class Decision:
    #: the snapshot as validated (fitted and scoped), with its issues
    validated: Validated
    #: every change the snapshot calls for
    plan: Plan
    #: the plan parted into what applies now and what waits for a person
    guarded: Guarded
    #: whether the school's records were re-linked as after an MIS switch
    mis_switch: bool = False


def decide(
    snapshot: Snapshot,
    current: Current,
    settings: SchoolSettings,
    dependents: Mapping[int, Dependents],
    *,
    sizes: Sizes,
    scope: Scope | None = None,
    merged: MergedChoices | None = None,
    today: dt.date | None = None,
    mis_switch: bool = False,
) -> Decision:
    """`scope` is what to sync (the school's saved scope when None); `sizes` are the store's
    column sizes, which values are fitted to before anything else looks at them; `merged` is
    what a first connection's merge decided (`engine/matching/guard.py`), if there was one;
    `today` (the school's date) turns leavers and future starters away (`leavers.py`).
    `mis_switch`: Wonde said the school moved to another MIS (it is also seen when most ids
    change at once): everyone is re-linked by what survives a switch (`relink`), not by ids."""
    chosen = scope if scope is not None else Scope.of(settings)
    dated = apply_dates(snapshot, today) if today is not None else snapshot
    chosen_types = apply_import_choices(apply_sen_settings(dated, settings), settings)
    scoped = apply_scope(fit(chosen_types, sizes), chosen)
    if merged is not None:
        scoped = leave_alone(scoped, merged)
    switch = mis_switch or looks_like_mis_switch(scoped, current)
    matched = match_people(
        scoped.people, current.people, scoped.contact_links, current.contact_links.keys(),
        keys=SWITCH_PERSON_KEYS if switch else PERSON_KEYS,
    )  # fmt: skip
    relinked = relink(scoped, current, matched) if switch else Relinked()
    matched = {**matched, **relinked.people}
    validated = validate(scoped, settings, current.people, matched)
    if merged is not None:
        validated, matched = guard_people(validated, current, matched, merged)
    plan = make_plan(
        validated, current, matched, settings.username_pattern,
        relinked.structures if switch else None,
    )  # fmt: skip
    limits = settings.limits()
    guarded = safeguard(plan, current, limits, dependents)
    guarded = hold_doubts(guarded, plan, relinked.doubts, limits.mode == "strict")
    return Decision(validated, plan, guarded, switch)
