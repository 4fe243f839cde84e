"""The manual sync's steps against the store and the MIS; the choices themselves are pure
(`engine/choices.py`) and the questions belong to whoever asks them (the CLI's prompts, the web
wizard's pages, the API).

    start()    the full dry run whose subjects and classes are offered, and the saved scope
    preview()  the plan for a chosen scope, as it would be approved
    apply()    apply exactly that plan; `PlanChanged` when the MIS moved in between

Every step first checks the school's connection, as `schoolsync sync` does: a school waiting
for approval, declined, revoked, offline or not yet merged raises `SyncSkipped` with the same
reason, and the MIS is not asked (it would answer a bare 403).

The web wizard and the API keep no state between steps: each step reads the MIS again from the
choices so far, and Continue applies the plan only if its hash is still the one shown.

    subject_offer()  step 1           class_offer()  step 2
    shown_plan()     step 3: the plan, its hash, each hold with what approving removes
    apply_chosen()   Continue: apply the plan with that hash, leaving the unticked holds held
    apply_approving()  the same, naming the holds to make rather than those to leave
"""

from __future__ import annotations

from collections.abc import Collection, Set
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from schoolsync.engine import choices
from schoolsync.engine.choices import Choice, Offer, scope_for
from schoolsync.engine.scope import Scope

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.engine.change_labels import Described
    from schoolsync.pipeline import DryRun, SnapshotReader, SyncResult
    from schoolsync.store.schools import School

#: How often to re-plan when the MIS keeps changing under a non-interactive approval.
MAX_REPLANS = 3


@dataclass(frozen=True, slots=True)
class Start:
    """What step 1 offers from: the school, everything the MIS sends, the saved scope."""

    school: School
    dry: DryRun
    previous: Scope
    #: subjects the store has ever had, by source id (a missing one keeps its place)
    stored_subjects: frozenset[str]

    def scope(self, chosen: Choice) -> Scope:
        return scope_for(chosen, self.previous, self.dry.snapshot, self.stored_subjects)


def start(engine: sa.Engine, key: str, read: SnapshotReader) -> Start:
    from schoolsync.pipeline import plan_school
    from schoolsync.services.connections import ensure_can_sync
    from schoolsync.store.catalogue import structure_names
    from schoolsync.store.schools import get_school

    ensure_can_sync(engine, key)
    with engine.connect() as conn:
        school = get_school(conn, key)
        stored_subjects, _classes = structure_names(conn, school.id)
    dry = plan_school(engine, key, read, full=True)
    return Start(school, dry, Scope.of(school.settings), frozenset(stored_subjects))


def preview(engine: sa.Engine, key: str, read: SnapshotReader, scope: Scope) -> DryRun:
    from schoolsync.pipeline import plan_school
    from schoolsync.services.connections import ensure_can_sync

    ensure_can_sync(engine, key)
    return plan_school(engine, key, read, scope=scope)


def apply(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    shown: DryRun,
    *,
    scope: Scope,
    approved_by: str,
    keep: Set[str] = frozenset(),
) -> SyncResult:
    """Apply the plan that was shown, leaving the holds in `keep` (fingerprints) held. Raises
    `PlanChanged` when the MIS changed since it was shown: nothing is applied then."""
    from schoolsync.engine.digest import plan_digest

    return _apply_hash(engine, key, read, plan_digest(shown.plan), scope, approved_by, keep)


def _apply_hash(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    plan_hash: str,
    scope: Scope,
    approved_by: str,
    keep: Collection[str],
) -> SyncResult:
    from schoolsync.pipeline import Approval, sync_school
    from schoolsync.services.connections import ensure_can_sync

    ensure_can_sync(engine, key)
    approval = Approval(plan_hash, approved_by, scope, frozenset(keep))
    return sync_school(engine, key, read, trigger="manual", approval=approval)


# --- the steps of a wizard that keeps no state (web pages, API) ----------------------------


@dataclass(frozen=True, slots=True)
class HeldChoice:
    """A held change as step 3 shows it: what approving it would remove, change by change."""

    fingerprint: str
    message: str
    losses: tuple[str, ...]
    changes: list[Described]


@dataclass(frozen=True, slots=True)
class ShownPlan:
    plan_hash: str
    #: "class membership: 12 removed, 3 added" lines
    counts: list[str]
    holds: list[HeldChoice]


def subject_offer(engine: sa.Engine, key: str, read: SnapshotReader) -> Offer:
    """Step 1: every subject the MIS sends; ticked as the saved scope has them."""
    begun = start(engine, key, read)
    return choices.subjects_offered(begun.dry.snapshot, begun.previous)


def class_offer(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    subjects: Collection[str],
    picked: Collection[str] | None = None,
) -> Offer:
    """Step 2: the classes of the chosen subjects, ticked as `picked` says (None: as the saved
    scope and the subjects chosen just now have them)."""
    begun = start(engine, key, read)
    offer = choices.classes_offered(begun.dry.snapshot, begun.previous, subjects)
    if picked is None:
        return offer
    return replace(offer, chosen=frozenset(picked) & {o.source_id for o in offer.options})


def _chosen_scope(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    subjects: Collection[str],
    classes: Collection[str],
) -> Scope:
    begun = start(engine, key, read)
    return begun.scope(choices.choice(begun.dry.snapshot, subjects, classes))


def shown_plan(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    subjects: Collection[str],
    classes: Collection[str],
) -> ShownPlan:
    """Step 3: the plan the chosen scope makes, with each held change and what approving it
    removes."""
    from schoolsync.engine.change_labels import change_mapping, describe, with_snapshot
    from schoolsync.engine.digest import plan_digest
    from schoolsync.model.labels import counts_in_words
    from schoolsync.store.directory import load_directory
    from schoolsync.store.schools import get_school

    shown = preview(engine, key, read, _chosen_scope(engine, key, read, subjects, classes))
    with engine.connect() as conn:
        directory = with_snapshot(load_directory(conn, get_school(conn, key).id), shown.snapshot)
    holds = [
        HeldChoice(
            h.fingerprint(),
            h.message,
            tuple(h.losses),
            [describe(change_mapping(c), directory) for c in h.changes],
        )
        for h in shown.guarded.holds
    ]
    return ShownPlan(plan_digest(shown.plan), counts_in_words(shown.plan.counts()), holds)


def apply_chosen(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    subjects: Collection[str],
    classes: Collection[str],
    *,
    plan_hash: str,
    keep_held: Collection[str],
    approved_by: str,
) -> SyncResult:
    """Continue: apply exactly the plan with `plan_hash`, leaving the holds in `keep_held`
    (fingerprints) held. Raises `PlanChanged` (and applies nothing) when the MIS changed since
    the plan was shown."""
    scope = _chosen_scope(engine, key, read, subjects, classes)
    return _apply_hash(engine, key, read, plan_hash, scope, approved_by, keep_held)


def apply_approving(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    subjects: Collection[str],
    classes: Collection[str],
    *,
    plan_hash: str,
    approve: Collection[str],
    approved_by: str,
) -> SyncResult:
    """Continue, as the API says it: apply the plan with `plan_hash`, making only the holds
    named in `approve` (fingerprints); every other hold stays held. Raises `PlanChanged` (and
    applies nothing) when the MIS changed since the plan was shown."""
    from schoolsync.errors import PlanChanged

    shown = shown_plan(engine, key, read, subjects, classes)
    if shown.plan_hash != plan_hash:
        raise PlanChanged(
            "The MIS changed after the plan was shown, so nothing was applied. Look at the "
            "new plan and approve it again."
        )
    keep = {h.fingerprint for h in shown.holds} - set(approve)
    return apply_chosen(
        engine, key, read, subjects, classes, plan_hash=plan_hash, keep_held=keep,
        approved_by=approved_by,
    )  # fmt: skip
