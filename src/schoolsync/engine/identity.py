"""Who is who: matching what a source sent to what the store holds. Pure.

Identity is declared once, here. A person is matched within their family (pupil, employee,
contact) by the first of these links that identifies exactly one stored row:

- `upi`: Wonde's person hash; survives a pupil leaving and re-enrolling (the Wonde id does not);
- `source_id`: the id the source gave the record;
- `upn`: the DfE pupil number, shared by CTF files and the MIS, so a CTF and a later Wonde
  sync never create duplicates;
- `mis_id`: the record's id in the MIS itself.

A person still unmatched is matched to an existing user that no source has claimed (created by
hand in the product) when exactly one such user of the same family has the same email.

Contacts (parents and carers) have no number of their own in a CTF, so a contact still
unmatched is matched to the stored contact with the same name who is already linked to one of
the same pupils (the oldest, if a file left copies), or failing that to the one with the same
name and email: a CTF import and a later Wonde sync then agree on who a pupil's mother is.
Subjects, classes and groups are matched by `source_id`, then `mis_id`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from schoolsync.model import ContactLink, Family, Person
from schoolsync.model.current import Row

PERSON_KEYS: tuple[str, ...] = ("upi", "source_id", "upn", "mis_id")
STRUCTURE_KEYS: tuple[str, ...] = ("source_id", "mis_id")

PersonKey = tuple[Family, str]


class _Index:
    """Rows by each key's value; a value held by two rows identifies nobody."""

    def __init__(self, rows: Iterable[Row], keys: Sequence[str]) -> None:
        self._keys = keys
        self._by: dict[str, dict[str, int | None]] = {key: {} for key in keys}
        for row in rows:
            for key in keys:
                value = row[key]
                if value:
                    table = self._by[key]
                    table[value] = None if value in table else row["id"]

    def find(self, values: dict[str, str | None], claimed: set[int]) -> int | None:
        for key in self._keys:
            value = values.get(key)
            if value:
                row_id = self._by[key].get(value)
                if row_id is not None and row_id not in claimed:
                    return row_id
        return None


def match_people(
    people: Sequence[Person],
    stored: Sequence[Row],
    links: Sequence[ContactLink] = (),
    stored_links: Iterable[tuple[int, int]] = (),
    keys: Sequence[str] = PERSON_KEYS,
) -> dict[PersonKey, int]:
    """`keys`: the links trusted, in order (after an MIS switch only UPI and UPN survive)."""
    by_family: dict[str, list[Row]] = defaultdict(list)
    for row in stored:
        by_family[row["family"]].append(row)
    indexes = {family: _Index(rows, keys) for family, rows in by_family.items()}
    claimed: set[int] = set()
    matched: dict[PersonKey, int] = {}
    unmatched: list[Person] = []
    for person in people:
        index = indexes.get(person.family)
        values = {"upi": person.upi, "source_id": person.source_id, "upn": person.upn,
                  "mis_id": person.mis_id}  # fmt: skip
        row_id = index.find(values, claimed) if index else None
        if row_id is None:
            unmatched.append(person)
            continue
        claimed.add(row_id)
        matched[(person.family, person.source_id)] = row_id

    unclaimed_by_email: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in stored:
        if row["source_id"] is None and row["email"] and row["id"] not in claimed:
            unclaimed_by_email[(row["family"], row["email"].lower())].append(row["id"])
    for person in unmatched:
        if not person.email:
            continue
        candidates = unclaimed_by_email.get((person.family, person.email.lower()), [])
        free = [c for c in candidates if c not in claimed]
        if len(candidates) == 1 and free:
            claimed.add(free[0])
            matched[(person.family, person.source_id)] = free[0]
    _match_household(people, stored, links, stored_links, matched, claimed)
    return matched


def _match_household(
    people: Sequence[Person],
    stored: Sequence[Row],
    links: Sequence[ContactLink],
    stored_links: Iterable[tuple[int, int]],
    matched: dict[PersonKey, int],
    claimed: set[int],
) -> None:
    loose = [p for p in people if p.role == "contact" and ("contact", p.source_id) not in matched]
    if not loose:
        return
    contacts_of: dict[int, set[int]] = defaultdict(set)
    for pupil_id, contact_id in stored_links:
        contacts_of[pupil_id].add(contact_id)
    pupils_of: dict[str, set[int]] = defaultdict(set)
    for link in links:
        linked_pupil = matched.get(("pupil", link.pupil_source_id))
        if linked_pupil is not None:
            pupils_of[link.contact_source_id].add(linked_pupil)
    by_name: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in stored:
        if row["family"] == "contact" and row["id"] not in claimed:
            by_name[_name_key(row["forename"], row["surname"])].append(row)
    for person in loose:
        namesakes = [
            r
            for r in by_name.get(_name_key(person.forename, person.surname), [])
            if r["id"] not in claimed
        ]
        household = {c for p in pupils_of.get(person.source_id, ()) for c in contacts_of[p]}
        found = [r for r in namesakes if r["id"] in household]
        if not found and person.email:
            found = [r for r in namesakes if (r["email"] or "").lower() == person.email.lower()]
        if found:
            # Several namesakes in one household are copies of one parent (a CTF repeats a
            # parent under each child): the oldest record is the one to keep.
            chosen = min(row["id"] for row in found)
            claimed.add(chosen)
            matched[("contact", person.source_id)] = chosen


def _name_key(forename: str | None, surname: str | None) -> tuple[str, str]:
    return ((forename or "").strip().casefold(), (surname or "").strip().casefold())


def match_structures(
    records: Iterable[tuple[str, str | None]], stored: Sequence[Row]
) -> dict[str, int]:
    """(source_id, mis_id) pairs to stored row ids, keyed by source_id."""
    index = _Index(stored, STRUCTURE_KEYS)
    claimed: set[int] = set()
    matched: dict[str, int] = {}
    for source_id, mis_id in records:
        row_id = index.find({"source_id": source_id, "mis_id": mis_id}, claimed)
        if row_id is not None:
            claimed.add(row_id)
            matched[source_id] = row_id
    return matched
