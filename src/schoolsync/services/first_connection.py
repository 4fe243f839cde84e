"""First connection, for a person: load the product's existing accounts, see how the MIS
matches them, change the choices, merge, and disconnect. The CLI and the web app both call
these; the pure matching is `engine/matching/`, the rows are `store/first_connection.py`.

    import_existing -> match_report (read the MIS: class table, pupils to resolve, warning)
      -> save_choices / save_resolutions (a person's changes)
      -> merge (link as chosen, one transaction; then the first sync)
      ... later syncs keep the links and never make a second account
    disconnect: no more syncs; accounts and classes stay exactly as they are
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from schoolsync.engine.identity import match_people, match_structures
from schoolsync.engine.matching.classes import (
    Choice,
    ClassRow,
    ExistingClass,
    class_key,
    suggest_classes,
)
from schoolsync.engine.matching.pupils import Resolution, resolution_key, resolve_people
from schoolsync.engine.matching.sets import sets_warning
from schoolsync.errors import NotMerged

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.model import Snapshot
    from schoolsync.pipeline import SnapshotReader, SyncResult


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class MatchReport:
    school_key: str
    state: str | None
    rows: list[ClassRow]
    #: every MIS person not linked yet, by `resolution_key`
    resolutions: dict[str, Resolution]
    existing: dict[int, ExistingClass]
    accounts: dict[int, dict[str, Any]]
    warning: str | None
    #: MIS classes (by key) to the pupils in them left to resolve
    to_resolve: dict[str, list[Resolution]] = field(default_factory=dict)
    #: MIS classes linked by an earlier merge (not in the table)
    already_linked: int = 0

    def account_name(self, person_id: int | None) -> str:
        row = self.accounts.get(person_id or -1)
        return f"{row['username']} ({row['forename']} {row['surname']})" if row else ""

    def class_name(self, class_id: int | None) -> str:
        found = self.existing.get(class_id or -1)
        return found.name if found else ""

    def class_ref(self, class_id: int | None) -> str:
        """The product's own id for an existing class (what choices files name)."""
        found = self.existing.get(class_id or -1)
        return (found.external_id or str(found.id)) if found else ""

    def unresolved(self) -> list[Resolution]:
        return [r for r in self.resolutions.values() if r.outcome in ("unresolved", "issue")]


@dataclass(frozen=True, slots=True)
class MergeSummary:
    linked_accounts: int
    linked_classes: int
    imported_classes: int
    left_alone_classes: int
    #: MIS people left out until a person resolves them
    unresolved: int
    #: existing accounts no MIS person was linked to: left exactly as they are
    untouched_accounts: int
    warning: str | None
    sync: SyncResult


def import_existing(
    engine: sa.Engine,
    key: str,
    users: tuple[str, bytes],
    classes: tuple[str, bytes] | None = None,
    memberships: tuple[str, bytes] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Save the existing accounts; the school then waits for its merge before syncing."""
    from schoolsync.existing_files import read_existing
    from schoolsync.store import first_connection as store
    from schoolsync.store.schools import get_school

    with engine.begin() as conn:
        school = get_school(conn, key)
        usernames, class_ids = store.known_names(conn, school.id)
        data = read_existing(
            users, classes, memberships, known_usernames=usernames, known_class_ids=class_ids
        )
        return store.save_existing(conn, school.id, data, now or _now())


def match_report(engine: sa.Engine, key: str, read: SnapshotReader) -> MatchReport:
    """Read the MIS now and match it against what the product has."""
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        school = get_school(conn, key)
    snapshot = read(school, None, lambda _what, _done, _total: None)
    return _report(engine, key, snapshot)


def _report(engine: sa.Engine, key: str, snapshot: Snapshot) -> MatchReport:
    from schoolsync.store import first_connection as store
    from schoolsync.store.read import load_current
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        school = get_school(conn, key)
        current = load_current(conn, school.id)
        unlinked = store.load_unlinked(conn, school.id)
        answers = store.load_answers(conn, school.id)
        choices = store.load_class_choices(conn, school.id)
        state = store.state_of(conn, school.id)
    linked_rows = [row for row in current.people if row["source_id"] is not None]
    known = match_people(snapshot.people, linked_rows)
    people = [
        p for p in snapshot.people if p.role != "contact" and (p.family, p.source_id) not in known
    ]
    resolutions = resolve_people(people, unlinked.accounts, answers)
    links = {source_id: row_id for (_family, source_id), row_id in known.items()}
    links.update(
        {r.person.source_id: r.person_id for r in resolutions.values() if r.person_id is not None}
    )
    existing = {c[0]: ExistingClass(c[0], c[1], c[2], c[4], c[3]) for c in unlinked.classes}
    synced = match_structures(
        ((c.source_id, c.mis_id) for c in snapshot.classes),
        [row for row in current.classes if row["source_id"] is not None],
    )
    open_classes = [c for c in snapshot.classes if c.source_id not in synced]
    answered = {
        k: Choice(action, other)  # type: ignore[arg-type]
        for k, (action, other) in choices.items()
        if action != "match" or other in existing
    }
    rows = suggest_classes(open_classes, list(existing.values()), links, answered)
    by_source = {r.person.source_id: r for r in resolutions.values()}
    to_resolve: dict[str, list[Resolution]] = defaultdict(list)
    for row in rows:
        for source_id in row.mis_class.student_ids:
            found = by_source.get(source_id)
            if found is not None and found.outcome in ("unresolved", "issue"):
                to_resolve[row.key].append(found)
    linked_ids = {r.person_id for r in resolutions.values() if r.outcome == "linked"}
    warning = sets_warning(
        list(existing.values()),
        [c.name for c in snapshot.classes],
        {i for i in linked_ids if i is not None},
    )
    return MatchReport(
        key,
        state,
        rows,
        resolutions,
        existing,
        {row["id"]: row for row in unlinked.accounts},
        warning,
        dict(to_resolve),
        len(synced),
    )


def save_choices(engine: sa.Engine, key: str, read: SnapshotReader, file: tuple[str, bytes]) -> int:
    """A choices file (`mis_class_id,action,existing_class_id`): every line checked first."""
    from schoolsync.choice_files import read_choices
    from schoolsync.store import first_connection as store
    from schoolsync.store.schools import get_school

    report = match_report(engine, key, read)
    refs = {report.class_ref(i): i for i in report.existing}
    chosen = read_choices(file[0], file[1], {r.key for r in report.rows}, refs)
    with engine.begin() as conn:
        store.save_class_choices(conn, get_school(conn, key).id, chosen)
    return len(chosen)


def choose_classes(engine: sa.Engine, key: str, chosen: dict[str, tuple[str, int | None]]) -> None:
    """Choices a person made on the web page or interactively (already checked)."""
    from schoolsync.store import first_connection as store
    from schoolsync.store.schools import get_school

    with engine.begin() as conn:
        store.save_class_choices(conn, get_school(conn, key).id, chosen)


def save_resolutions(
    engine: sa.Engine, key: str, read: SnapshotReader, file: tuple[str, bytes]
) -> int:
    """A resolve file (`mis_id,username_or_new`): every line checked first."""
    from schoolsync.choice_files import read_resolutions

    report = match_report(engine, key, read)
    usernames = {row["username"].casefold(): i for i, row in report.accounts.items()}
    answers = read_resolutions(file[0], file[1], set(report.resolutions), usernames)
    resolve(engine, key, answers)
    return len(answers)


def resolve(engine: sa.Engine, key: str, answers: dict[str, int | None]) -> None:
    from schoolsync.store import first_connection as store
    from schoolsync.store.schools import get_school

    with engine.begin() as conn:
        store.save_answers(conn, get_school(conn, key).id, answers)


def merge(
    engine: sa.Engine, key: str, read: SnapshotReader, now: dt.datetime | None = None
) -> MergeSummary:
    """Link the existing accounts and classes as chosen (one transaction), then run the first
    sync, which brings names, year groups and class lists across and makes the new accounts."""
    from schoolsync.pipeline import sync_school
    from schoolsync.store import first_connection as store
    from schoolsync.store.schools import get_school

    report = match_report(engine, key, read)
    if report.state == "disconnected":
        raise NotMerged("This school was disconnected from its MIS: there is nothing to merge.")
    at = now or _now()
    people = [(r.person_id, r.person) for r in report.resolutions.values() if r.outcome == "linked"]
    classes = [
        (row.chosen.existing_class_id, row.mis_class)
        for row in report.rows
        if row.chosen.action == "match" and row.chosen.existing_class_id is not None
    ]
    with engine.begin() as conn:
        school_id = get_school(conn, key).id
        store.link_people(conn, school_id, [(i, p) for i, p in people if i is not None], at)
        store.link_classes(conn, school_id, [(i, c) for i, c in classes if i is not None], at)
        store.save_class_choices(
            conn,
            school_id,
            {r.key: (r.chosen.action, r.chosen.existing_class_id) for r in report.rows},
        )
        store.set_state(conn, school_id, "merged", at)
    result = sync_school(engine, key, read, full=True)
    with engine.connect() as conn:
        untouched = len(store.load_unlinked(conn, get_school(conn, key).id).accounts)
    return MergeSummary(
        linked_accounts=len(people),
        linked_classes=len(classes),
        imported_classes=sum(1 for r in report.rows if r.chosen.action == "import"),
        left_alone_classes=sum(1 for r in report.rows if r.chosen.action == "none"),
        unresolved=len(report.unresolved()),
        untouched_accounts=untouched,
        warning=report.warning,
        sync=result,
    )


def disconnect(engine: sa.Engine, key: str, now: dt.datetime | None = None) -> None:
    """No more syncs from the MIS. Nothing else changes: accounts, classes, class lists and the
    MIS ids they keep (so reconnecting later would find them again) stay as they are."""
    from schoolsync.store import first_connection as store
    from schoolsync.store.schools import get_school

    with engine.begin() as conn:
        store.set_state(conn, get_school(conn, key).id, "disconnected", now or _now())


def state(engine: sa.Engine, key: str) -> str | None:
    from schoolsync.store import first_connection as store
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        return store.state_of(conn, get_school(conn, key).id)


def report_json(report: MatchReport) -> dict[str, Any]:
    outcomes: dict[str, int] = {}
    for found in report.resolutions.values():
        outcomes[found.outcome] = outcomes.get(found.outcome, 0) + 1
    return {
        "classes": [
            {
                "mis_class_id": row.key,
                "name": row.mis_class.name,
                "pupils": len(row.mis_class.student_ids),
                "suggested": row.suggested.action,
                "suggested_class_id": report.class_ref(row.suggested.existing_class_id) or None,
                "action": row.chosen.action,
                "existing_class_id": report.class_ref(row.chosen.existing_class_id) or None,
                "existing_class": report.class_name(row.chosen.existing_class_id) or None,
                "score": round(row.score, 3),
                "evidence": row.evidence,
                "changed": row.changed,
                "to_resolve": len(report.to_resolve.get(row.key, [])),
            }
            for row in report.rows
        ],
        "pupils": outcomes,
        "to_resolve": [
            {
                "mis_id": found.key,
                "name": found.person.display_name,
                "role": found.person.role,
                "message": found.message,
                "evidence": found.evidence,
                "candidates": [
                    {
                        "username": report.accounts[c.person_id]["username"],
                        "confidence": c.confidence,
                        "evidence": c.evidence,
                    }
                    for c in found.candidates
                ],
            }
            for found in report.unresolved()
        ],
        "warning": report.warning,
        "already_linked_classes": report.already_linked,
        "state": report.state,
    }


__all__ = ["MatchReport", "MergeSummary", "class_key", "report_json", "resolution_key"]
