"""Which existing account each MIS person is. Pure.

The existing accounts are the product's users from before the MIS link, not yet linked to any
MIS record. Each MIS person is resolved by the first rule that decides, in this order:

1. a person's own answer (`match --resolve`, "Click to resolve issues"): this account, or new;
2. the UPN, 3. the MIS id, 4. the email: the same value on exactly one account of the same
   role family links them; on an account of another family it is `ROLE_MISMATCH`; an email on
   two accounts is `MULTIPLE_MATCHES`; an email that is another account's username is
   `USERNAME_IN_USE` (DESIGN.md's messages, as the sync reports them);
5. name and date of birth: the names compared by `names.name_likeness`, the dates equal. A
   match is automatic only when it is confident (`CONFIDENT`), the dates of birth agree, and no
   other account or MIS person comes close (`MARGIN`); otherwise the accounts that could be
   this person are listed for a person to choose (`unresolved`). Nobody alike: `new`.

Every outcome carries its evidence in words, and a confidence from 0 to 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from schoolsync.engine.matching.names import forename_likeness, surname_likeness
from schoolsync.engine.validate import MULTIPLE_MATCHES, ROLE_MISMATCH, USERNAME_IN_USE
from schoolsync.model import Person
from schoolsync.model.current import Row

#: a name-and-birthday match this sure links by itself
CONFIDENT = 0.85
#: ... unless another candidate is within this much of it
MARGIN = 0.1
#: below this, an account is not even offered as a candidate
CANDIDATE = 0.6
#: ... nor when its forename or its surname is less alike than this
PART = 0.75

Outcome = Literal["linked", "new", "unresolved", "issue"]
Rule = Literal["chosen", "upn", "mis_id", "email", "name_dob"]


@dataclass(frozen=True, slots=True)
class Candidate:
    person_id: int
    confidence: float
    evidence: str


@dataclass(frozen=True, slots=True)
class Resolution:
    person: Person
    outcome: Outcome
    person_id: int | None = None
    rule: Rule | None = None
    confidence: float = 0.0
    evidence: str = ""
    candidates: tuple[Candidate, ...] = ()
    #: the issue message, when the outcome is `issue`
    message: str | None = None

    @property
    def key(self) -> str:
        return resolution_key(self.person)


def resolution_key(person: Person) -> str:
    """What a person's answer is stored under: the MIS id (what `--resolve` files name), else
    the source's id."""
    return person.mis_id or person.source_id


NEW = None  # a person's answer: make a new account


def resolve_people(
    people: Sequence[Person],
    accounts: Sequence[Row],
    answers: Mapping[str, int | None] | None = None,
) -> dict[str, Resolution]:
    """Each MIS person's resolution, by `resolution_key`. `accounts` are the unlinked existing
    accounts (people rows); `answers` are a person's choices (an account id, or `NEW`)."""
    answers = answers or {}
    by_id = {row["id"]: row for row in accounts}
    claimed: set[int] = set()
    done: dict[str, Resolution] = {}
    for person in people:
        key = resolution_key(person)
        if key in answers:
            chosen = answers[key]
            if chosen is None:
                done[key] = Resolution(
                    person,
                    "new",
                    rule="chosen",
                    confidence=1.0,
                    evidence="a person chose a new account",
                )
            elif chosen in by_id and chosen not in claimed:
                claimed.add(chosen)
                done[key] = Resolution(
                    person,
                    "linked",
                    chosen,
                    "chosen",
                    1.0,
                    f"a person chose {_account(by_id[chosen])}",
                )
    strong = _StrongKeys(accounts)
    for person in people:
        key = resolution_key(person)
        if key not in done:
            found = strong.resolve(person, claimed)
            if found is not None:
                done[key] = found
                if found.person_id is not None:
                    claimed.add(found.person_id)
    rest = [p for p in people if resolution_key(p) not in done]
    done.update(_by_name(rest, [r for r in accounts if r["id"] not in claimed]))
    return done


class _StrongKeys:
    def __init__(self, accounts: Sequence[Row]) -> None:
        self.by: dict[str, dict[str, list[Row]]] = {k: defaultdict(list) for k in _STRONG}
        self.by_username: dict[str, list[Row]] = defaultdict(list)
        for row in accounts:
            for key in _STRONG:
                value = _norm(row.get(key))
                if value:
                    self.by[key][value].append(row)
            if row.get("username"):
                self.by_username[row["username"].casefold()].append(row)

    def resolve(self, person: Person, claimed: set[int]) -> Resolution | None:
        values = {"upn": person.upn, "mis_id": person.mis_id, "email": person.email}
        for key in _STRONG:
            value = _norm(values[key])
            if not value:
                continue
            rows = [r for r in self.by[key][value] if r["id"] not in claimed]
            if len(rows) > 1:
                shown = ", ".join(_account(r) for r in rows)
                return Resolution(
                    person,
                    "issue",
                    rule=key,
                    evidence=f"{_LABEL[key]} {values[key]} is on {len(rows)} accounts: {shown}",
                    message=MULTIPLE_MATCHES,
                )
            if rows:
                row = rows[0]
                said = f"{_LABEL[key]} {values[key]} is {_account(row)}'s"
                if row["family"] != person.family:
                    return Resolution(
                        person,
                        "issue",
                        row["id"],
                        key,
                        evidence=f"{said}, who is a {row['role']}, not a {person.role}",
                        message=ROLE_MISMATCH,
                    )
                return Resolution(person, "linked", row["id"], key, 1.0, said)
        email = _norm(person.email)
        holders = (
            [
                r
                for r in self.by_username.get(email, ())
                if r["id"] not in claimed and _norm(r.get("email")) != email
            ]
            if email
            else []
        )
        if holders:
            return Resolution(
                person,
                "issue",
                holders[0]["id"],
                "email",
                evidence=f"email {person.email} is {_account(holders[0])}'s username",
                message=USERNAME_IN_USE,
            )
        return None


_STRONG: tuple[Rule, ...] = ("upn", "mis_id", "email")
_LABEL = {"upn": "UPN", "mis_id": "MIS id", "email": "email"}


def _norm(value: object) -> str:
    return str(value).strip().casefold() if value else ""


def _account(row: Row) -> str:
    return f"{row['username']} ({row['forename']} {row['surname']})"


def _by_name(people: Sequence[Person], accounts: Sequence[Row]) -> dict[str, Resolution]:
    by_family_dob: dict[tuple[str, object], list[Row]] = defaultdict(list)
    for row in accounts:
        by_family_dob[(row["family"], row["date_of_birth"])].append(row)
    options: dict[str, list[Candidate]] = {}
    wanted: dict[int, list[float]] = defaultdict(list)
    for person in people:
        rows: Iterable[Row] = by_family_dob.get((person.family, None), [])
        if person.date_of_birth is not None:
            rows = [*rows, *by_family_dob.get((person.family, person.date_of_birth), [])]
        else:
            rows = [r for r in accounts if r["family"] == person.family]
        found = sorted(
            (c for c in (_candidate(person, row) for row in rows) if c is not None),
            key=lambda c: (-c.confidence, c.person_id),
        )
        options[resolution_key(person)] = found
        for candidate in found:
            wanted[candidate.person_id].append(candidate.confidence)
    done: dict[str, Resolution] = {}
    claimed: set[int] = set()
    order = sorted(people, key=lambda p: -(options[resolution_key(p)] or [_NOBODY])[0].confidence)
    for person in order:
        key = resolution_key(person)
        found = options[key]
        if not found:
            done[key] = Resolution(
                person, "new", evidence="no existing account is like this person"
            )
            continue
        best = found[0]
        rivals = [c for c in found[1:] if best.confidence - c.confidence < MARGIN]
        contested = sorted(wanted[best.person_id], reverse=True)
        rival_people = len(contested) > 1 and contested[0] - contested[1] < MARGIN
        if (
            best.confidence >= CONFIDENT
            and "same date of birth" in best.evidence
            and not rivals
            and not rival_people
            and best.person_id not in claimed
        ):
            claimed.add(best.person_id)
            done[key] = Resolution(
                person,
                "linked",
                best.person_id,
                "name_dob",
                best.confidence,
                best.evidence,
                tuple(found),
            )
        else:
            done[key] = Resolution(
                person,
                "unresolved",
                confidence=best.confidence,
                evidence=_why_unsure(best, rivals, rival_people),
                candidates=tuple(found),
            )
    return done


_NOBODY = Candidate(0, 0.0, "")


def _why_unsure(best: Candidate, rivals: list[Candidate], rival_people: bool) -> str:
    if rivals:
        return f"{len(rivals) + 1} existing accounts are about as alike"
    if rival_people:
        return "another MIS person is about as like the same account"
    return f"not sure enough: {best.evidence}"


def _candidate(person: Person, row: Row) -> Candidate | None:
    forenames = [n for n in (person.forename, person.legal_forename) if n]
    surnames = [n for n in (person.surname, person.legal_surname) if n]
    fore = max(forename_likeness(f, row["forename"]) for f in forenames)
    sur = max(surname_likeness(s, row["surname"]) for s in surnames)
    if min(fore, sur) < PART:
        return None  # a brother or sister, or a namesake's surname: not this person
    likeness = 0.4 * fore + 0.6 * sur
    theirs = f"{row['forename']} {row['surname']}"
    notes = [f"name '{person.display_name}' ~ '{theirs}' ({round(likeness * 100)}%)"]
    confidence = likeness
    if person.date_of_birth and row["date_of_birth"]:
        if person.date_of_birth != row["date_of_birth"]:
            return None
        notes.append("same date of birth")
    else:
        confidence *= 0.8
        notes.append("no date of birth to compare")
    if person.year_group and row.get("year_group"):
        if _norm(person.year_group) == _norm(row["year_group"]):
            notes.append("same year group")
        else:
            # A product's year groups are often a year behind (nobody moved them up).
            confidence -= 0.05
            notes.append(f"year group {person.year_group} here, {row['year_group']} there")
    if confidence < CANDIDATE:
        return None
    return Candidate(row["id"], round(confidence, 3), ", ".join(notes))
