"""Leavers and future starters, from the dates the MIS gives. Pure: the day is passed in.

A pupil whose leaving date has passed, or an employee whose employment ended or who is no
longer current in the MIS, is a leaver even while the MIS still lists them (e-Reception's FAQ:
"a valid end date ... not listed as Active"): they become `left`, their data kept. A pupil
whose admission date is still to come (a pre-admission) is not imported until that day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from schoolsync.model import Deletion, Person, Snapshot

_DELETION_KIND = {"pupil": "student", "employee": "employee"}


def is_leaver(person: Person, today: dt.date) -> bool:
    if person.family not in _DELETION_KIND:
        return False
    return person.active is False or (person.ends_on is not None and person.ends_on < today)


def not_started(person: Person, today: dt.date) -> bool:
    # Pupils only: an employee the MIS already puts in classes before their contract starts
    # (a teacher joining next term) teaches them, and an incremental sync, which does not send
    # unchanged staff, could not tell their classes why they are missing.
    return person.family == "pupil" and person.starts_on is not None and person.starts_on > today


def apply_dates(snapshot: Snapshot, today: dt.date) -> Snapshot:
    """The snapshot without leavers and future starters. A leaver is also a deletion, so that
    an incremental sync (which sees only what changed) makes a stored one leave too."""
    leavers = [p for p in snapshot.people if is_leaver(p, today)]
    later = [p for p in snapshot.people if not_started(p, today)]
    if not leavers and not later:
        return snapshot
    gone = {(p.family, p.source_id) for p in (*leavers, *later)}
    pupils = {source_id for family, source_id in gone if family == "pupil"}
    staff = {source_id for family, source_id in gone if family == "employee"}

    def kept(ids: tuple[str, ...], out: set[str]) -> tuple[str, ...]:
        return tuple(i for i in ids if i not in out)

    return dataclasses.replace(
        snapshot,
        people=tuple(p for p in snapshot.people if (p.family, p.source_id) not in gone),
        # Not in their classes and groups either: not there yet, or not any more.
        classes=tuple(
            dataclasses.replace(
                c, student_ids=kept(c.student_ids, pupils), teacher_ids=kept(c.teacher_ids, staff)
            )
            for c in snapshot.classes
        ),
        groups=tuple(
            dataclasses.replace(
                g, student_ids=kept(g.student_ids, pupils), employee_ids=kept(g.employee_ids, staff)
            )
            for g in snapshot.groups
        ),
        deletions=snapshot.deletions
        + tuple(
            Deletion(_DELETION_KIND[p.family], p.source_id, p.mis_id)  # type: ignore[arg-type]
            for p in leavers
        ),
    )
