"""What the manual sync wizard reads from and does to the store and the MIS, behind small
functions (as `queries`), so the pages know nothing of the engine's internals.

The wizard keeps no state on the server: each step's form carries the choices so far, and each
step reads the MIS again. Continue applies the plan only if its hash is still the one shown."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa

from schoolsync.engine.change_labels import Described, change_mapping, describe, with_snapshot
from schoolsync.engine.digest import plan_digest
from schoolsync.engine.manual_choice import (
    classes_chosen,
    classes_offered,
    scope_of_choice,
    subjects_chosen,
    subjects_offered,
)
from schoolsync.engine.scope import Scope
from schoolsync.pipeline import Approval, DryRun, SnapshotReader, SyncResult, plan_school
from schoolsync.pipeline import sync_school as run_sync
from schoolsync.store.catalogue import structure_names
from schoolsync.store.directory import load_directory
from schoolsync.store.schools import get_school
from schoolsync.web.queries import KIND_WORDS


@dataclass(frozen=True, slots=True)
class Item:
    """A subject or class offered: ticked when it is chosen, `was` whether it synced before."""

    id: str
    name: str
    chosen: bool
    was: bool
    subject: str = ""
    subject_id: str = ""
    year: str = ""


@dataclass(frozen=True, slots=True)
class HeldChoice:
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


def _offer(engine: sa.Engine, key: str, read: SnapshotReader) -> tuple[DryRun, Scope]:
    with engine.connect() as conn:
        previous = Scope.of(get_school(conn, key).settings)
    return plan_school(engine, key, read, full=True), previous


def subject_step(engine: sa.Engine, key: str, read: SnapshotReader) -> list[Item]:
    dry, previous = _offer(engine, key, read)
    synced = subjects_chosen(dry.snapshot, previous)
    return [
        Item(s.source_id, s.name, s.source_id in synced, s.source_id in synced)
        for s in subjects_offered(dry.snapshot)
    ]


def class_step(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    subjects: Collection[str],
    picked: Collection[str] | None,
) -> list[Item]:
    """The classes of the chosen subjects; `picked` None: ticked as the saved scope has them."""
    dry, previous = _offer(engine, key, read)
    offered = classes_offered(dry.snapshot, subjects)
    before = classes_chosen(offered, previous, ())
    ticked = classes_chosen(offered, previous, subjects) if picked is None else set(picked)
    names = {s.source_id: s.name for s in dry.snapshot.subjects}
    return [
        Item(
            c.source_id,
            c.name,
            c.source_id in ticked,
            c.source_id in before,
            subject=names.get(c.subject_source_id or "", "No subject"),
            subject_id=c.subject_source_id or "",
            year=c.year_group or "",
        )
        for c in offered
    ]


def _scoped(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    subjects: Collection[str],
    classes: Collection[str],
) -> tuple[Scope, DryRun]:
    dry, previous = _offer(engine, key, read)
    with engine.connect() as conn:
        stored_subjects, _classes = structure_names(conn, get_school(conn, key).id)
    scope = scope_of_choice(dry.snapshot, subjects, classes, previous, stored_subjects)
    return scope, plan_school(engine, key, read, scope=scope)


def warning_step(
    engine: sa.Engine,
    key: str,
    read: SnapshotReader,
    subjects: Collection[str],
    classes: Collection[str],
) -> ShownPlan:
    """The plan the chosen scope makes, with each held change and what approving removes."""
    _scope, shown = _scoped(engine, key, read, subjects, classes)
    with engine.connect() as conn:
        directory = with_snapshot(load_directory(conn, get_school(conn, key).id), shown.snapshot)
    counts = [
        f"{entity.replace('_', ' ')}: "
        + ", ".join(f"{n} {KIND_WORDS.get(kind, kind)}" for kind, n in kinds.items())
        for entity, kinds in shown.plan.counts().items()
    ]
    holds = [
        HeldChoice(
            h.fingerprint(),
            h.message,
            tuple(h.losses),
            [describe(change_mapping(c), directory) for c in h.changes],
        )
        for h in shown.guarded.holds
    ]
    return ShownPlan(plan_digest(shown.plan), counts, holds)


def apply_plan(
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
    """Apply exactly the plan with `plan_hash`, leaving `keep_held` held. Raises PlanChanged
    (and applies nothing) when the MIS changed since the plan was shown."""
    dry, previous = _offer(engine, key, read)
    with engine.connect() as conn:
        stored_subjects, _classes = structure_names(conn, get_school(conn, key).id)
    scope = scope_of_choice(dry.snapshot, subjects, classes, previous, stored_subjects)
    approval = Approval(plan_hash, approved_by, scope, frozenset(keep_held))
    return run_sync(engine, key, read, trigger="manual", approval=approval)
