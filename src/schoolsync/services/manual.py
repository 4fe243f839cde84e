"""The manual sync's steps against the store and the MIS; the choices themselves are pure
(`engine/choices.py`) and the questions belong to whoever asks them (CLI or web wizard).

    start()    the full dry run whose subjects and classes are offered, and the saved scope
    preview()  the plan for a chosen scope, as it would be approved
    apply()    apply exactly that plan; `PlanChanged` when the MIS moved in between
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schoolsync.engine.choices import Choice, scope_for
from schoolsync.engine.scope import Scope

if TYPE_CHECKING:
    import sqlalchemy as sa

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
    from schoolsync.store.catalogue import structure_names
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        school = get_school(conn, key)
        stored_subjects, _classes = structure_names(conn, school.id)
    dry = plan_school(engine, key, read, full=True)
    return Start(school, dry, Scope.of(school.settings), frozenset(stored_subjects))


def preview(engine: sa.Engine, key: str, read: SnapshotReader, scope: Scope) -> DryRun:
    from schoolsync.pipeline import plan_school

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
    from schoolsync.pipeline import Approval, sync_school

    return sync_school(
        engine,
        key,
        read,
        trigger="manual",
        approval=Approval(plan_digest(shown.plan), approved_by, scope, frozenset(keep)),
    )
