"""Re-linking after an MIS switch: who and what is who when every id has changed. Pure.

A school moving from one MIS to another (SIMS to Arbor, say) is served by Wonde under new
Wonde ids and new MIS ids for everyone and everything; a new MIS id can even be an old id of
somebody else. Matching by those ids would give everyone a second account and archive every
class. So in an MIS switch (announced by Wonde's `schoolMigration` webhook, or seen when most
ids change at once: `looks_like_mis_switch`), records are re-linked by what survives a switch:

- people by UPI, then UPN (`SWITCH_PERSON_KEYS`, in `identity.match_people`), then by name and
  date of birth when exactly one stored person of the family who would otherwise leave has
  them (`relink_people`);
- subjects by name and code, groups by name and kind, each only when exactly one candidate;
- classes by name and code, confirmed by their pupils: the pupils already re-linked must
  mostly be the same (`MIN_OVERLAP` of either side).

A class that cannot be re-linked with confidence (its name changed, but its pupils are mostly
those of a stored class that would be archived) is a `Doubt`: `hold_doubts` holds the new
class and the old one's archiving together, for a person to approve, with the evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from schoolsync.engine.identity import PersonKey
from schoolsync.model import Snapshot
from schoolsync.model.changes import Change, NewRef, Plan
from schoolsync.model.current import Current, Row
from schoolsync.model.holds import Guarded, Hold

#: Person keys that survive an MIS switch, in the order they are trusted.
SWITCH_PERSON_KEYS: tuple[str, ...] = ("upi", "upn")
#: At most this share of the stored people's source ids still sent: most have changed.
SWITCH_KEPT_AT_MOST = 0.3
#: ...while the MIS sends at least this share as many people (not an export gone wrong).
SWITCH_SIZE_AT_LEAST = 0.6
#: People stored before ids changing can say anything about a switch.
SWITCH_MIN_PEOPLE = 10
#: The share of a class's pupils that must be the same for a re-link (of either side).
MIN_OVERLAP = 0.5


@dataclass(frozen=True, slots=True)
class Doubt:
    """A class that may be a stored one under a new name: held with the evidence."""

    new_source_id: str
    new_name: str
    old_id: int
    old_name: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Relinked:
    people: dict[PersonKey, int] = field(default_factory=dict)
    #: structure kind ("subject", "class", "group") -> new source id -> stored row id
    structures: dict[str, dict[str, int]] = field(default_factory=dict)
    doubts: tuple[Doubt, ...] = ()


def looks_like_mis_switch(snapshot: Snapshot, current: Current) -> bool:
    """Most stored people's ids are gone while about as many people are sent: ids changed."""
    stored = {r["source_id"] for r in current.people if r["status"] == "active" and r["source_id"]}
    if not snapshot.complete or len(stored) < SWITCH_MIN_PEOPLE:
        return False
    sent = {p.source_id for p in snapshot.people}
    kept = len(stored & sent) / len(stored)
    return kept <= SWITCH_KEPT_AT_MOST and len(sent) >= SWITCH_SIZE_AT_LEAST * len(stored)


def relink(snapshot: Snapshot, current: Current, matched: Mapping[PersonKey, int]) -> Relinked:
    """What an MIS switch re-links beyond `matched` (people matched by UPI and UPN)."""
    people = relink_people(snapshot, current, matched)
    everyone = {**matched, **people}
    structures = {
        "subject": _unique(
            ((s.source_id, _key(s.name, s.code)) for s in snapshot.subjects),
            current.subjects, lambda r: _key(r["name"], r["code"]),
        ),
        "group": _unique(
            ((g.source_id, _key(g.name, g.kind)) for g in snapshot.groups),
            current.groups, lambda r: _key(r["name"], r["kind"]),
        ),
    }  # fmt: skip
    classes, doubts = relink_classes(snapshot, current, everyone)
    structures["class"] = classes
    return Relinked(people, structures, doubts)


def relink_people(
    snapshot: Snapshot, current: Current, matched: Mapping[PersonKey, int]
) -> dict[PersonKey, int]:
    """Name and date of birth, one to one, among the people not matched otherwise."""
    claimed = set(matched.values())
    free: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for row in current.people:
        if row["id"] not in claimed and row["date_of_birth"] is not None:
            free[_person_key(row["family"], row["forename"], row["surname"],
                             row["date_of_birth"])].append(row["id"])  # fmt: skip
    wanted: dict[tuple[str, ...], list[PersonKey]] = defaultdict(list)
    for person in snapshot.people:
        key: PersonKey = (person.family, person.source_id)
        if key not in matched and person.date_of_birth is not None:
            wanted[_person_key(person.family, person.forename, person.surname,
                               person.date_of_birth)].append(key)  # fmt: skip
    found: dict[PersonKey, int] = {}
    for name_key, new in wanted.items():
        old = free.get(name_key, [])
        if len(new) == 1 and len(old) == 1:  # twins with one name and birthday: not sure
            found[new[0]] = old[0]
    return found


def relink_classes(
    snapshot: Snapshot, current: Current, people: Mapping[PersonKey, int]
) -> tuple[dict[str, int], tuple[Doubt, ...]]:
    members_of: dict[int, set[int]] = defaultdict(set)
    for class_id, person_id, role in current.class_members:
        if role == "student":
            members_of[class_id].add(person_id)
    by_name: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for row in current.classes:
        if row["status"] == "active":
            by_name[_key(row["name"])].append(row)
    found: dict[str, int] = {}
    unsure: list[tuple[str, str, set[int]]] = []
    for school_class in snapshot.classes:
        pupils = {people[("pupil", s)] for s in school_class.student_ids if ("pupil", s) in people}
        named = [r for r in by_name.get(_key(school_class.name), ())
                 if _codes_agree(r["code"], school_class.code)]  # fmt: skip
        if len(named) == 1 and _overlap(pupils, members_of[named[0]["id"]]) >= MIN_OVERLAP:
            found[school_class.source_id] = named[0]["id"]
        else:
            unsure.append((school_class.source_id, school_class.name, pupils))
    taken = set(found.values())
    doubts = []
    for source_id, name, pupils in unsure:
        best = _best_overlap(pupils, current.classes, members_of, taken)
        if best is not None:
            row, same = best
            taken.add(row["id"])
            doubts.append(Doubt(source_id, name, row["id"], row["name"], (
                f"After the MIS switch, class '{name}' could not be re-linked with confidence: "
                f"{same} of its {len(pupils)} pupils are those of class '{row['name']}', "
                "but the name differs. Approving keeps them as two classes and archives "
                f"'{row['name']}'; if they are the same class, give it its old name in the "
                "MIS instead and the next sync re-links it."
            )))  # fmt: skip
    return found, tuple(doubts)


def hold_doubts(guarded: Guarded, plan: Plan, doubts: Sequence[Doubt], strict: bool) -> Guarded:
    """Hold each doubtful class: the new one's creation with its members, and the stored one's
    archiving with what follows from it, as one `mis_switch` hold (taken out of any hold the
    other rules made of them)."""
    if not doubts:
        return guarded
    new_holds = []
    taken: set[int] = set()
    for doubt in doubts:
        changes = tuple(c for c in plan.changes if _belongs(c, doubt))
        taken.update(id(c) for c in changes)
        new_holds.append(Hold("mis_switch", doubt.new_name, doubt.evidence, changes))
    kept = []
    for hold in guarded.holds:
        rest = tuple(c for c in hold.changes if id(c) not in taken)
        if rest:
            kept.append(hold if len(rest) == len(hold.changes) else
                        Hold(hold.rule, hold.target, hold.message, rest, hold.losses))  # fmt: skip
    holds = (*kept, *new_holds)
    if strict:
        return Guarded(Plan(()), plan, holds)
    apply_now, held_back = plan.split(c for h in holds for c in h.changes)
    return Guarded(apply_now, held_back, holds)


def _belongs(change: Change, doubt: Doubt) -> bool:
    new_ref = NewRef("class", doubt.new_source_id)
    if change.entity == "class":
        return change.key == doubt.new_source_id or change.record_id == doubt.old_id
    if change.entity == "class_membership":
        parent = change.after.get("parent_id") or change.before.get("parent_id")
        return parent in (new_ref, doubt.old_id)
    return False


def _best_overlap(
    pupils: set[int], rows: Iterable[Row], members_of: Mapping[int, set[int]], taken: set[int]
) -> tuple[Row, int] | None:
    best: tuple[Row, int] | None = None
    for row in rows:
        if row["status"] != "active" or row["id"] in taken:
            continue
        if _overlap(pupils, members_of.get(row["id"], set())) >= MIN_OVERLAP:
            same = len(pupils & members_of[row["id"]])
            if best is None or same > best[1]:
                best = (row, same)
    return best


def _overlap(new: set[int], old: set[int]) -> float:
    """The share of the larger side that both have; two empty classes agree."""
    if not new and not old:
        return 1.0
    return len(new & old) / max(len(new), len(old))


def _codes_agree(stored: str | None, sent: str | None) -> bool:
    return not stored or not sent or stored.strip().casefold() == sent.strip().casefold()


def _key(*parts: object) -> tuple[str, ...]:
    return tuple(" ".join(str(p or "").split()).casefold() for p in parts)


def _person_key(family: str, forename: str, surname: str, born: object) -> tuple[str, ...]:
    return (family, *_key(forename, surname), str(born))


def _unique(
    sent: Iterable[tuple[str, tuple[str, ...]]],
    rows: Sequence[Row],
    key_of: Callable[[Row], tuple[str, ...]],
) -> dict[str, int]:
    """One to one by key, among active rows."""
    stored: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for row in rows:
        if row["status"] == "active":
            stored[key_of(row)].append(row["id"])
    asked: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for source_id, key in sent:
        asked[key].append(source_id)
    return {ids[0]: stored[key][0] for key, ids in asked.items()
            if len(ids) == 1 and len(stored.get(key, ())) == 1}  # fmt: skip
