"""Class and group members the source names but never sent. Pure.

A class lists its members by id; a member who is neither among the people this fetch sent nor
stored from an earlier sync cannot be placed in the class (the MIS left them out of its export,
or the source does not give us that kind of person). They are left out with a warning on the
class, the same for every source, rather than dropped without a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from schoolsync.engine.identity import PersonKey
from schoolsync.model import Family, Group, Issue, IssueEntity, Person, SchoolClass
from schoolsync.model.current import Row

#: How many ids a warning quotes before it only counts the rest.
QUOTED = 5


#: A parent's member lists: (family, source ids) of pupils, then of staff.
_Lists = tuple[tuple[Family, tuple[str, ...]], ...]


def unknown_members(
    classes: Sequence[SchoolClass],
    groups: Sequence[Group],
    people: Sequence[Person],
    stored_people: Sequence[Row],
    accounted: Iterable[PersonKey],
    covers: frozenset[str],
) -> list[Issue]:
    """One warning per class or group naming members nobody knows; `accounted` are people
    left out with an issue of their own. A family the fetch did not cover (staff, when the
    school withholds them) is not expected to be known."""
    known: set[PersonKey] = {(p.family, p.source_id) for p in people}
    known.update((row["family"], row["source_id"]) for row in stored_people if row["source_id"])
    known.update(accounted)
    parents: list[tuple[IssueEntity, SchoolClass | Group, _Lists]]
    parents = [
        ("class", c, (("pupil", c.student_ids), ("employee", c.teacher_ids))) for c in classes
    ]
    parents += [
        ("group", g, (("pupil", g.student_ids), ("employee", g.employee_ids))) for g in groups
    ]
    issues = []
    for entity, record, lists in parents:
        missing = [
            i for family, ids in lists for i in ids if family in covers and (family, i) not in known
        ]
        if missing:
            issues.append(
                Issue(
                    entity,
                    record.name,
                    _message(entity, missing),
                    record.source_id,
                    record.mis_id or "",
                    severity="warning",
                )
            )
    return issues


def _message(noun: str, missing: Sequence[str]) -> str:
    quoted = ", ".join(i[:40] for i in missing[:QUOTED])
    more = f" and {len(missing) - QUOTED} more" if len(missing) > QUOTED else ""
    count = len(missing)
    return (
        f"{count} member{'s' if count != 1 else ''} of this {noun} "
        f"({quoted}{more}) {'are' if count != 1 else 'is'} not among the people the MIS sent; "
        f"{'they were' if count != 1 else 'it was'} left out of the {noun}"
    )
