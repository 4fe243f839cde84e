"""sourcedIds: opaque, deterministic, and the same in every export of the same records.

A consumer keys everything on sourcedId, so a changed id reads as "this pupil left and a new
one joined" and loses their work. Each id is a UUID 5 (the spec recommends GUIDs) of the
school's key, the kind of record and the record's most durable source link, in the order the
sync itself trusts them (`engine.identity`): the UPI, then the source's id, the UPN, the MIS id.
Store row ids are used only when a record has no link at all, and only next to the school key:
rows are renumbered when a store is rebuilt, links are not.

Hashing rather than copying the link keeps UPNs (which the DfE asks schools not to share
beyond their purpose) and MIS ids out of every file that references a user.

An id changes only if the link it was made from changes or first appears (a record synced
without a UPI that later gets one), or if two records share it: a value two rows hold
identifies neither, so both fall back to their row ids for as long as the clash lasts.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping

from schoolsync.engine.identity import PERSON_KEYS, STRUCTURE_KEYS
from schoolsync.exports.roster import ClassRecord, GroupRecord, PersonRecord, SubjectRecord

#: Fixed for ever: changing it changes every id of every school.
_NAMESPACE = uuid.UUID("485dd132-b8a4-4106-b7e9-b65fabf17f95")


def make_id(school_key: str, kind: str, *parts: str) -> str:
    # The unit separator cannot appear in a key or link, so ("a b", "c") and ("a", "b c")
    # never hash alike.
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join((school_key, kind, *parts))))


def _first_link(record: object, keys: Iterable[str]) -> tuple[str, str] | None:
    for key in keys:
        value = getattr(record, key)
        if value:
            return key, str(value)
    return None


def _assign(school_key: str, kind: str, links: Mapping[int, tuple[str, ...]]) -> dict[int, str]:
    """Row id -> sourcedId; `links` gives each row's identifying parts (or none)."""
    shared = Counter(parts for parts in links.values() if parts)
    assigned: dict[int, str] = {}
    for row_id, parts in links.items():
        if not parts or shared[parts] > 1:
            parts = (*parts, "row", str(row_id))
        assigned[row_id] = make_id(school_key, kind, *parts)
    return assigned


def person_ids(school_key: str, people: Iterable[PersonRecord]) -> dict[int, str]:
    # The family is part of the id because people are matched only within their family: a
    # parent who also works at the school is two records, and must be two users.
    links: dict[int, tuple[str, ...]] = {}
    for person in people:
        link = _first_link(person, PERSON_KEYS)
        links[person.id] = (person.family, *link) if link else ()
    return _assign(school_key, "user", links)


def structure_ids(
    school_key: str, kind: str, records: Iterable[SubjectRecord | ClassRecord | GroupRecord]
) -> dict[int, str]:
    """Courses (from subjects), classes and homerooms (from groups); `kind` keeps a class and
    a group that share a source id apart."""
    links: dict[int, tuple[str, ...]] = {}
    for record in records:
        link = _first_link(record, STRUCTURE_KEYS)
        links[record.id] = link or ()
    return _assign(school_key, kind, links)
