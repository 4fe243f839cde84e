"""The pipeline of one sync of one school, from source to store, in one file: the only code
that touches the source, the pure decision step and the store, and the owner of the
transaction in which a plan is applied.

    start run + take the school's lock (one transaction: a refused attempt is not a run; a
    paused school's run ends there, recorded `paused` with the reason, nothing read)
    -> read source -> load current -> decide (fit, scope, validate, plan, safeguard: pure,
       `engine/decide.py`)
    -> apply + record + open issues + release lock (one transaction)
    -> alert (when a run needs approval or failed)

While the run reads and applies, a heartbeat renews its lease on the lock (`store/lock.py`) and
the cyclic garbage collector is paused (`collector.py`). Ctrl-C (or any BaseException) ends the
run as interrupted and frees the school before it propagates. A run that fails leaves the store
as it was, apart from its own history row saying why. A dry run (`plan_school`) is the same
pipeline stopped before apply; an approved manual sync (`approval=`) applies exactly the plan
that was shown, or nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from schoolsync.collector import collector_paused
from schoolsync.engine.approvals import release, released_fingerprints, withhold
from schoolsync.engine.decide import decide
from schoolsync.engine.digest import plan_digest
from schoolsync.engine.open_issues import Reading, reconcile
from schoolsync.engine.pause import SyncPause, school_today
from schoolsync.engine.validate import UNEXPECTED, Validated
from schoolsync.errors import PlanChanged, SchoolsyncError, SourceBusy, where_raised
from schoolsync.logs import log_context
from schoolsync.model import Issue, SchoolInfo, Snapshot
from schoolsync.model.changes import Plan
from schoolsync.model.current import Current
from schoolsync.model.holds import Guarded, Hold
from schoolsync.model.labels import SyncKind, Trigger
from schoolsync.model.run_status import status_of
from schoolsync.model.scope import Scope
from schoolsync.pausing import sync_pause
from schoolsync.store.apply import apply_plan
from schoolsync.store.connections import settle_mis_switch
from schoolsync.store.first_connection import merged_choices, refuse_before_merge
from schoolsync.store.holds import (
    approvals_waiting,
    close_pending,
    load_dependents,
    record_holds,
    settle_approvals,
)
from schoolsync.store.lock import (
    HEARTBEAT_EVERY,
    Heartbeat,
    end_interrupted,
    release_lock,
    take_lock,
)
from schoolsync.store.open_issues import open_issue_rows, save_reconciled
from schoolsync.store.read import load_current
from schoolsync.store.runs import finish_run, record_issues, start_run
from schoolsync.store.schools import School, get_school, record_sync_point, update_settings
from schoolsync.store.sizes import STORE_SIZES
from schoolsync.sync_kind import choose_sync_kind, read_since

log = logging.getLogger(__name__)

INTERRUPTED = "Interrupted before it finished; nothing was changed"

Progress = Callable[[str, int, int | None], None]
#: Reads a school's source: `since` None means everything (a full sync).
SnapshotReader = Callable[[School, dt.datetime | None, Progress], Snapshot]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _no_progress(_what: str, _done: int, _total: int | None) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Approval:
    """A person approved the plan with this hash; `scope` is what they chose to sync."""

    plan_hash: str
    approved_by: str
    scope: Scope | None = None
    #: fingerprints of the holds the person chose to leave held (the rest of the plan applies)
    keep_held: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class SyncResult:
    run_id: int
    status: str
    sync_kind: SyncKind
    counts: dict[str, dict[str, int]]
    issues: tuple[Issue, ...]
    message: str | None = None
    holds: tuple[Hold, ...] = ()
    held: dict[str, dict[str, int]] | None = None
    #: The source asked not to be called again before this moment (UTC): requeue for then.
    retry_at: dt.datetime | None = None
    #: the school's open issues after the run: this run's, and earlier ones not yet resolved
    open_issues: int = 0

    @property
    def mode(self) -> SyncKind:
        """The CLI's and API's word for `sync_kind` (and the runs table's column)."""
        return self.sync_kind


@dataclass(frozen=True, slots=True)
class DryRun:
    """What a sync would do now, without doing it."""

    validated: Validated
    plan: Plan
    guarded: Guarded
    sync_kind: SyncKind
    #: what the source sent, before the scope was applied (the manual sync offers all of it)
    snapshot: Snapshot
    #: what the store held when the plan was made
    current: Current = field(default_factory=Current)

    @property
    def mode(self) -> SyncKind:
        """The CLI's and API's word for `sync_kind`."""
        return self.sync_kind


#: Called after a run is committed: send whatever alert the result deserves.
Notify = Callable[[School, SyncResult], None]


def plan_school(
    engine: sa.Engine,
    school_key: str,
    read: SnapshotReader,
    *,
    full: bool = False,
    scope: Scope | None = None,
    now: Callable[[], dt.datetime] = _utcnow,
    progress: Progress = _no_progress,
) -> DryRun:
    """The dry run: read, validate, plan and safeguard, and write nothing at all."""
    with engine.connect() as conn:
        school = get_school(conn, school_key)
        refuse_before_merge(conn, school.id, school.name, school.key)
    sync_kind = choose_sync_kind(school, full or scope is not None, now())
    with collector_paused():
        snapshot = read(school, read_since(school, sync_kind), progress)
        with engine.connect() as conn:
            chosen = scope or Scope.of(school.settings)
            return _decide(conn, school, snapshot, chosen, sync_kind, now())


def sync_school(
    engine: sa.Engine,
    school_key: str,
    read: SnapshotReader,
    *,
    trigger: Trigger = "manual",
    full: bool = False,
    now: Callable[[], dt.datetime] = _utcnow,
    progress: Progress = _no_progress,
    notify: Notify | None = None,
    approval: Approval | None = None,
    file_import: bool = False,
    source: str | None = None,
    heartbeat_every: float = HEARTBEAT_EVERY,
) -> SyncResult:
    """One run. `file_import` marks a run fed by an uploaded file: it is read whole, and it
    neither needs nor moves the incremental cursor of the school's API connection."""
    started = now()
    # The run's row and the lock in one transaction: an attempt refused because another sync
    # runs is not a run at all (no failed run in the history, no alert).
    with engine.begin() as conn:
        school = get_school(conn, school_key)
        refuse_before_merge(conn, school.id, school.name, school.key)
        # An approval is applied only if the hold is planned again, and only a full read is
        # sure to plan it again.
        approved = approval is not None or bool(approvals_waiting(conn, school.id))
        sync_kind = "file" if file_import else choose_sync_kind(school, full or approved, started)
        # A file a person imports is theirs to time; the MIS is read only outside a pause.
        pause = SyncPause(None) if file_import else sync_pause(conn, school, started)
        run_id = start_run(
            conn,
            school.id,
            trigger=trigger,
            source=source or school.source_kind,
            mode=sync_kind,
            now=started,
        )
        if pause.paused:
            finish_run(conn, run_id, status="paused", now=started, message=pause.message)
        else:
            take_lock(conn, school, run_id, started)
    fields = {"run_id": run_id, "school_key": school.key}
    if pause.paused:
        log.info("run %d for school %s: paused (%s)", run_id, school.key, pause.reason,
                 extra={**fields, "status": "paused"})  # fmt: skip
        return SyncResult(run_id, "paused", sync_kind, {}, (), pause.message)

    result: SyncResult | None = None
    replan: PlanChanged | None = None
    retry_at: dt.datetime | None = None
    try:
        with (
            log_context(**fields),
            Heartbeat(engine, school.id, run_id, now, heartbeat_every),
            collector_paused(),
        ):
            snapshot = read(school, read_since(school, sync_kind), progress)
            with engine.begin() as conn:
                result = _apply_snapshot(
                    conn, school, run_id, sync_kind, snapshot, now(), approval, pause.warning
                )
                record_sync_point(
                    conn,
                    school.id,
                    cursor=None if file_import else started,
                    full=sync_kind == "full",
                    # A CTF's SourceSchool may be the pupil's previous school: facts come from
                    # the school's own API connection only.
                    info=None if file_import else _school_facts(snapshot.school),
                )
                settle_mis_switch(conn, school.id, school.mis_switch_at, result.holds, started)
                release_lock(conn, school.id, run_id)
    except SchoolsyncError as exc:
        message = str(exc)
        replan = exc if isinstance(exc, PlanChanged) else None
        retry_at = exc.retry_at if isinstance(exc, SourceBusy) else None
    except Exception as exc:  # the run must end recorded, whatever went wrong
        log.error("run %d for school %s failed unexpectedly: %s", run_id, school.key,
                  where_raised(exc), extra=fields)  # fmt: skip
        message = f"{UNEXPECTED} ({type(exc).__name__}); nothing was changed"
    except BaseException:  # Ctrl-C, or the process asked to stop: end the run, free the school
        with engine.begin() as conn:
            end_interrupted(conn, run_id, now(), INTERRUPTED)
            release_lock(conn, school.id, run_id)
        log.warning("run %d for school %s was interrupted", run_id, school.key, extra=fields)
        raise
    if result is None:
        with engine.begin() as conn:
            finish_run(conn, run_id, status="failed", now=now(), message=message)
            release_lock(conn, school.id, run_id)
        result = SyncResult(run_id, "failed", sync_kind, {}, (), message, retry_at=retry_at)
        if replan is not None:
            raise replan  # recorded; the person must see the new plan
    log.info("run %d for school %s: %s", run_id, school.key, result.status,
             extra={**fields, "status": result.status, "counts": result.counts,
                    "issues": len(result.issues)})  # fmt: skip
    if notify is not None:
        try:
            notify(school, result)
        except Exception as exc:  # an alert that cannot be sent must not undo the run
            log.error("could not send the alert for run %d of school %s: %s", run_id,
                      school.key, where_raised(exc), extra=fields)  # fmt: skip
    return result


def _decide(
    conn: sa.Connection,
    school: School,
    snap: Snapshot,
    scope: Scope,
    kind: SyncKind,
    now: dt.datetime,
) -> DryRun:
    """Load what the decision needs from the store, and decide (leavers by the school's date)."""
    current = load_current(conn, school.id)
    dependents = load_dependents(conn, school.id)
    merged = merged_choices(conn, school.id)
    facts = (snap, current, school.settings, dependents)
    today = school_today(now, school.timezone)
    decision = decide(*facts, sizes=STORE_SIZES, scope=scope, merged=merged, today=today,
                      mis_switch=school.mis_switch_at is not None)  # fmt: skip
    return DryRun(decision.validated, decision.plan, decision.guarded, kind, snap, current)


def _apply_snapshot(
    conn: sa.Connection,
    school: School,
    run_id: int,
    sync_kind: SyncKind,
    snapshot: Snapshot,
    now: dt.datetime,
    approval: Approval | None,
    warning: str | None = None,
) -> SyncResult:
    """`warning`: what the run's message says although it went ahead (term dates missing)."""
    scope = approval.scope if approval and approval.scope else Scope.of(school.settings)
    decided = _decide(conn, school, snapshot, scope, sync_kind, now)
    plan, validated = decided.plan, decided.validated
    if approval is not None:
        if plan_digest(plan) != approval.plan_hash:
            raise PlanChanged(
                "The MIS changed after the plan was shown, so nothing was applied. Look at the "
                "new plan and approve it again."
            )
        kept = tuple(h for h in decided.guarded.holds if h.fingerprint() in approval.keep_held)
        guarded = withhold(plan, kept, decided.current)
        approved_by: str | None = approval.approved_by
    else:
        guarded, approved_by = _release_approved(conn, school, decided, now)
    apply_plan(conn, school.id, run_id, guarded.apply_now, now)
    record_issues(conn, school.id, run_id, validated.issues)
    if approval is not None:
        close_pending(conn, school.id, "approved", now, approval.approved_by)
        record_holds(conn, school.id, run_id, guarded.holds, now)
        approved = {h.fingerprint() for h in decided.guarded.holds} - approval.keep_held
        settle_approvals(conn, school.id, approved, now)
        if approval.scope is not None:
            update_settings(
                conn,
                school.id,
                replace(
                    school.settings,
                    scope_subjects=_sorted(approval.scope.subjects),
                    scope_classes=_sorted(approval.scope.classes),
                    scope_known_classes=tuple(sorted(approval.scope.known_classes)),
                ),
            )
    else:
        record_holds(conn, school.id, run_id, guarded.holds, now)
    # The status says what the school still has to fix, not only what this run looked at: an
    # incremental run does not read the records whose issues are still open.
    reconciled = reconcile(open_issue_rows(conn, school.id), validated.issues, Reading.of(snapshot))
    still_open = save_reconciled(conn, school.id, run_id, reconciled, now)
    errors = sum(1 for issue in still_open if issue.severity == "error")
    warnings = len(still_open) - errors
    status = status_of(needs_approval=guarded.needs_approval, errors=errors, warnings=warnings)
    counts = guarded.apply_now.counts()
    # In strict mode this is the whole plan, not only what the rules picked out.
    held = guarded.held_back.counts()
    finish_run(
        conn,
        run_id,
        status=status,
        now=now,
        counts=counts,
        issue_count=len(validated.issues),
        plan_hash=plan_digest(plan),
        held=held or None,
        approved_by=approved_by,
        open_issues=len(still_open),
        message=warning,
    )
    return SyncResult(
        run_id,
        status,
        sync_kind,
        counts,
        validated.issues,
        warning,
        guarded.holds,
        held or None,
        open_issues=len(still_open),
    )


def _release_approved(
    conn: sa.Connection, school: School, decided: DryRun, now: dt.datetime
) -> tuple[Guarded, str | None]:
    """Apply the holds a person approved since the last run (`holds --approve`, the API), if
    they are still exactly what was approved; returns the plan and who approved."""
    waiting = approvals_waiting(conn, school.id)
    if not waiting:
        return decided.guarded, None
    strict = school.settings.limits().mode == "strict"
    guarded = release(decided.plan, decided.guarded, waiting, decided.current, strict=strict)
    applied = released_fingerprints(decided.guarded, guarded)
    settle_approvals(conn, school.id, applied, now)
    return guarded, ", ".join(sorted({waiting[f] for f in applied})) or None


def _sorted(values: frozenset[str] | None) -> tuple[str, ...] | None:
    return tuple(sorted(values)) if values is not None else None


def _school_facts(info: SchoolInfo | None) -> dict[str, str | None]:
    return info.facts() if info is not None else {}
