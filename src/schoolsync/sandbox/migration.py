"""A simulated MIS switch: the school moves from one MIS to another (SIMS to Arbor, say).

Wonde then serves everyone and everything under new ids: new Wonde ids, and new MIS ids
numbered by the new MIS from its own start, so an old MIS id can now belong to someone else.
UPIs and UPNs stay (the protocol notes say UPIs survive; UPNs are the DfE's). Names, codes and
memberships stay too, except for `unlinkable` classes, which the new MIS renames and uncodes:
the ones a client cannot re-link with confidence.
"""

from __future__ import annotations

import random
from typing import Any

from schoolsync.sandbox.state import COLLECTIONS, SandboxSchool

#: The include payloads kept per person id.
_PER_PERSON = (
    "education_details",
    "extended_details",
    "contact_details",
    "employment_details",
    "sen_needs",
    "attendance_summary",
)
_MEMBERSHIPS = ("class_students", "class_employees", "group_students", "group_employees")
_MIS_SERIES = {
    "students": "person",
    "employees": "person",
    "contacts": "person",
    "classes": "class",
    "groups": "group",
    "subjects": "subject",
}


def switch_mis(
    school: SandboxSchool, migrate_to: str, seed: int = 1, unlinkable: int = 0
) -> dict[str, Any]:
    """Re-issue every id of `school` as a move to `migrate_to` would. Returns what was done."""
    rng = random.Random(seed)
    with school.lock:
        migrate_from = str(school.profile.get("mis") or "SIMS")
        new_ids: dict[str, str] = {}
        school.mis_counters.clear()
        for kind in COLLECTIONS:
            records = school.collection(kind)
            order = list(records)
            rng.shuffle(order)  # the new MIS numbers people in its own order
            renumbered: dict[str, dict[str, Any]] = {}
            for old_id in order:
                record = records[old_id]
                new_id = school.new_id(rng)
                new_ids[old_id] = new_id
                record["id"] = new_id
                if "mis_id" in record:
                    record["mis_id"] = school.next_mis_id(_MIS_SERIES[kind])
                renumbered[new_id] = record
            records.clear()
            records.update(sorted(renumbered.items()))
        _rekey_relations(school, new_ids)
        renamed = _uncode(school, rng, unlinkable)
        school.profile["mis"] = migrate_to
        stamp = school.stamp()
        for kind in COLLECTIONS:
            for record_id in school.collection(kind):
                school.touch(kind, record_id, stamp)
    return {
        "migrate_from": migrate_from,
        "migrate_to": migrate_to,
        "reissued": len(new_ids),
        "renamed_classes": renamed,
    }


def _rekey_relations(school: SandboxSchool, new_ids: dict[str, str]) -> None:
    def new(old: str) -> str:
        return new_ids.get(old, old)

    for name in _PER_PERSON:
        table: dict[str, Any] = getattr(school, name)
        rekeyed = {new(key): value for key, value in table.items()}
        table.clear()
        table.update(rekeyed)
    for name in _MEMBERSHIPS:
        memberships: dict[str, list[str]] = getattr(school, name)
        rekeyed_members = {new(owner): [new(m) for m in members]
                           for owner, members in memberships.items()}  # fmt: skip
        memberships.clear()
        memberships.update(rekeyed_members)
    links = {
        new(pupil): [{**link, "contact": new(str(link.get("contact")))} for link in found]
        for pupil, found in school.student_contacts.items()
    }
    school.student_contacts.clear()
    school.student_contacts.update(links)
    for record in school.classes.values():
        subject = record.get("subject")
        if isinstance(subject, str):
            record["subject"] = new(subject)
    years = {new(group): year for group, year in school.group_year.items()}
    school.group_year.clear()
    school.group_year.update(years)


def _uncode(school: SandboxSchool, rng: random.Random, count: int) -> list[str]:
    """Rename `count` classes (with pupils) the way a new MIS might: new name, no code."""
    with_pupils = [cid for cid in school.classes if school.class_students.get(cid)]
    chosen = rng.sample(with_pupils, min(count, len(with_pupils)))
    renamed = []
    for class_id in chosen:
        record = school.classes[class_id]
        old_name = str(record.get("name"))
        record["name"] = f"{old_name} (timetable {rng.randint(2, 9)})"
        record["code"] = None
        renamed.append(old_name)
    return renamed
