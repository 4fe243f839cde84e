"""No second accounts, sync after sync: after a merge, each MIS person the sync would create is
first resolved against the existing accounts still unlinked (`pupils.resolve_people`, with the
answers a person gave). Pure.

- linked (a person's answer, or a confident match): the sync links that account (its MIS ids
  are written by the ordinary update, with the change recorded);
- unresolved, or an issue: the person is left out with the issue (unresolved is
  `MULTIPLE_MATCHES`: an existing user or a new one, and nobody can tell which), until a person
  resolves it;
- new: created as usual.

The MIS classes the merge left alone (No action) are not synced at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from schoolsync.engine.identity import PersonKey
from schoolsync.engine.matching.classes import class_key
from schoolsync.engine.matching.pupils import resolve_people
from schoolsync.engine.validate import MULTIPLE_MATCHES, Validated
from schoolsync.model import Issue, Snapshot
from schoolsync.model.current import Current
from schoolsync.model.existing import MergedChoices


def leave_alone(snapshot: Snapshot, choices: MergedChoices) -> Snapshot:
    if not choices.left_alone:
        return snapshot
    kept = tuple(c for c in snapshot.classes if class_key(c) not in choices.left_alone)
    return replace(snapshot, classes=kept)


def guard_people(
    validated: Validated,
    current: Current,
    matched: Mapping[PersonKey, int],
    choices: MergedChoices,
) -> tuple[Validated, dict[PersonKey, int]]:
    claimed = set(matched.values())
    accounts = [
        row
        for row in current.people
        if row["source_id"] is None
        and row["family"] != "contact"
        and row["status"] == "active"
        and row["id"] not in claimed
    ]
    matched = dict(matched)
    if not accounts:
        return validated, matched
    snapshot = validated.snapshot
    loose = [
        p for p in snapshot.people if p.role != "contact" and (p.family, p.source_id) not in matched
    ]
    issues: list[Issue] = []
    held: set[PersonKey] = set()
    for resolution in resolve_people(loose, accounts, choices.answers).values():
        person = resolution.person
        key: PersonKey = (person.family, person.source_id)
        if resolution.outcome == "linked" and resolution.person_id is not None:
            matched[key] = resolution.person_id
        elif resolution.outcome in ("unresolved", "issue"):
            held.add(key)
            issues.append(
                Issue(
                    person.role,
                    person.display_name,
                    resolution.message or MULTIPLE_MATCHES,
                    person.source_id,
                    person.mis_id or "",
                )
            )
    if not held:
        return validated, matched
    people = tuple(p for p in snapshot.people if (p.family, p.source_id) not in held)
    return (
        replace(
            validated,
            snapshot=replace(snapshot, people=people),
            issues=(*validated.issues, *issues),
            skipped_people=validated.skipped_people | held,
        ),
        matched,
    )
