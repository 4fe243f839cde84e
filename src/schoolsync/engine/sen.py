"""A school's SEN settings applied to what the source sent. Pure.

- Status codes: N, K and E stand; the older S, A and P (before 2014) become E, K and K; a
  school's custom codes (`MP` meaning `K`) become the provision they stand for. An unknown code
  is a warning naming the code and the pupil, and the pupil's stored status is kept, never
  blanked.
- A missing (null) SEN record never overwrites a stored one, unless the school says missing
  means "No SEN" (then it is N, with no needs).
- *Sync SEND provision* off: the status is not synced; *sync SEND types* off: nor are the needs.
"""

from __future__ import annotations

import dataclasses

from schoolsync.model import Issue, Person, Snapshot
from schoolsync.model.current import PERSON_FIELDS
from schoolsync.school_settings import SchoolSettings


def apply_sen_settings(snapshot: Snapshot, settings: SchoolSettings) -> Snapshot:
    issues: list[Issue] = []
    people = tuple(
        _pupil(p, settings, issues) if p.role == "student" else p for p in snapshot.people
    )
    fields = snapshot.person_fields
    off = {
        name
        for name, on in (
            ("sen_status", settings.sync_sen_provision),
            ("sen_needs", settings.sync_sen_types),
        )
        if not on
    }
    if off:
        fields = frozenset(fields if fields is not None else PERSON_FIELDS) - off
    return dataclasses.replace(
        snapshot,
        people=people,
        person_fields=fields,
        read_issues=snapshot.read_issues + tuple(issues),
    )


def _pupil(person: Person, settings: SchoolSettings, issues: list[Issue]) -> Person:
    if "sen_status" in person.unreadable:
        return person
    code = person.sen_status
    if code is None:
        if person.sen_needs:
            return person
        if settings.sen_missing_means_none:
            return dataclasses.replace(person, sen_status="N")
        # Nothing sent: what is stored stays as it is.
        return dataclasses.replace(
            person, unreadable=person.unreadable | {"sen_status", "sen_needs"}
        )
    provision = settings.sen_provision(code)
    if provision is not None:
        return dataclasses.replace(person, sen_status=provision)
    issues.append(
        Issue(
            "student",
            person.display_name,
            f"SEN code '{code[:10]}' is not a known SEN provision; the pupil's SEN status was "
            f"kept as it was. Tell schoolsync what it means: `--custom-sen-code {code[:10]}=K` "
            "(or N, or E) in the school's settings",
            person.source_id,
            person.mis_id or "",
            severity="warning",
        )
    )
    return dataclasses.replace(
        person, sen_status=None, unreadable=person.unreadable | {"sen_status"}
    )
