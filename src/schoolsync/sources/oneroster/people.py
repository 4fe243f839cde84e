"""OneRoster users (with 1.2 roles and demographics) to people and contact links. Pure.

- `source_id` is the user's `sourcedId` (opaque, stable across exports, as the spec requires);
  `mis_id` is `identifier`, the school's own id for the person.
- Role: from 1.2 `roles.csv`, else from 1.1's `users.role`, in schoolsync's terms
  (roles.py). A user whose role is missing or unknown is left out with an error.
- `username` is kept as the user's own (see engine/usernames.py); `email` must be an address,
  and one that is not is a warning, the stored email being kept.
- Names: `givenName`, `middleName` and `familyName` are the legal names, the `preferred*` ones
  (1.2) the names the school uses (as with a CTF's preferred names). The names shown are the
  preferred ones where given, else the legal ones. A package with the preferred columns states
  the legal names too (a blank preferred name only means "the same"); one without them (1.1)
  says nothing of legal names, so those stored from another source are kept.
- `grades` gives a pupil's year group ("07" -> "7", "KG" -> "R"), the inverse of the export's.
- `agentSourcedIds` link pupils and their parents, guardians and relatives, from either side.
  Links are made only for pupils in the package, because a pupil's links are replaced as a
  whole, and a parent's row in a delta does not carry the pupil's other contacts.

A row that cannot be used is an error `Issue` carrying the `sourcedId`, which also keeps the
stored person as they are instead of treating them as gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from schoolsync.model import ContactLink, DeletedKind, Deletion, Gender, Issue, Person, Role
from schoolsync.sources.files.csv import CsvRow, blank_to_none
from schoolsync.sources.files.values import parse_date, parse_email, parse_gender
from schoolsync.sources.oneroster.roles import ROLES, role_words, year_of_grade
from schoolsync.sources.oneroster.tables import (
    Table,
    row_issue,
    row_problem,
    row_state,
    split_list,
)


@dataclass(slots=True)
class PeopleRead:
    people: list[Person] = field(default_factory=list)
    links: list[ContactLink] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    #: every user sourcedId in the package -> the role it was read with; None when it was left
    #: out, so that relations to it are dropped quietly (its own issue says why)
    roles: dict[str, Role | None] = field(default_factory=dict)


def read_people(
    users: Table, roles: Table | None, demographics: Table | None, *, complete: bool
) -> PeopleRead:
    return _PeopleReader(users, complete).read(role_words(roles), _demographics(demographics))


@dataclass(frozen=True, slots=True)
class _Demographic:
    table: Table
    row: CsvRow


@dataclass(frozen=True, slots=True)
class _User:
    person: Person
    #: the OneRoster role it was read with ("guardian"), which names a contact's relationship
    word: str
    agents: list[str]
    row: CsvRow


_DELETED_KINDS: dict[Role, DeletedKind] = {
    "student": "student",
    "teacher": "employee",
    "staff": "employee",
    "contact": "contact",
}


class _PeopleReader:
    def __init__(self, users: Table, complete: bool) -> None:
        self.users = users
        #: whether absence from the package means gone (every mapped file is bulk)
        self.complete = complete
        #: whether users.csv lists everyone, so that an id it lacks names nobody
        self.whole = users.mode == "bulk"
        self.result = PeopleRead()
        self.read_users: dict[str, _User] = {}
        #: sourcedIds given to two different users, with the lines that gave them
        self.conflicted: dict[str, list[int]] = {}

    def read(
        self, role_words: Mapping[str, str], demographics: Mapping[str, _Demographic]
    ) -> PeopleRead:
        for row in self.users.csv.rows:
            self._row(row, role_words.get(row.get("sourcedId")) or row.get("role"), demographics)
        for source_id, lines in self.conflicted.items():
            person = self.read_users.pop(source_id).person
            self.result.roles[source_id] = None
            self.result.issues.append(
                Issue(
                    person.role,
                    person.display_name,
                    f"{self.users.file}, lines {_and(lines)}: sourcedId {source_id} names "
                    "different users; all of them were left out",
                    source_id,
                )
            )
        self.result.people = [user.person for user in self.read_users.values()]
        self._links()
        return self.result

    def _row(self, row: CsvRow, word: str, demographics: Mapping[str, _Demographic]) -> None:
        source_id = row.get("sourcedId")
        role = ROLES.get(word.lower())
        problem = self._problem(row, source_id, word, role)
        if problem is None and row_state(row) == "deleted":
            self._deleted(source_id, role, row)
            return
        if problem is not None or role is None:
            name = _name(row.get("givenName"), row.get("familyName"))
            self.result.issues.append(
                row_issue(
                    self.users,
                    row,
                    role or _likely_role(row),
                    name,
                    problem or self._no_role(),
                    source_id,
                    severity="error" if self.whole or problem else "warning",
                )
            )
            if source_id:
                self.result.roles.setdefault(source_id, None)
            return
        person = self._person(row, source_id, role, demographics.get(source_id))
        known = self.read_users.get(source_id)
        if known is not None:
            if known.person != person:
                lines = self.conflicted.setdefault(source_id, [known.row.line])
                lines.append(row.line)
            return
        agents = split_list(row.get("agentSourcedIds"))
        self.read_users[source_id] = _User(person, word.lower(), agents, row)
        self.result.roles[source_id] = role

    def _problem(self, row: CsvRow, source_id: str, word: str, role: Role | None) -> str | None:
        if not source_id:
            return "the user has no sourcedId; they were left out"
        problem = row_problem(row)
        if problem is not None or row_state(row) == "deleted":
            return problem
        if role is None:
            if not word:
                return None  # reported by the caller, which knows what the package says
            return f"role '{word[:30]}' is not a OneRoster role; the user was left out"
        if not row.get("givenName") and not row.get("familyName"):
            return "the user has no givenName or familyName; they were left out"
        return None

    def _no_role(self) -> str:
        if self.whole:
            return "the user has no role in roles.csv or users.csv; they were left out"
        # Normal in a 1.2 delta: a user's row changed, their role did not.
        return (
            "this delta does not say the user's role (roles.csv has no row for them), so the "
            "change was not applied; the next bulk package will bring it"
        )

    def _deleted(self, source_id: str, role: Role | None, row: CsvRow) -> None:
        self.result.roles.setdefault(source_id, None)
        if self.complete:
            return  # in a bulk file, absence says it already
        mis_id = blank_to_none(row.get("identifier"))
        if role is not None:
            self.result.deletions.append(Deletion(_DELETED_KINDS[role], source_id, mis_id))
            return
        # A 1.2 delta need not repeat a deleted user's role. sourcedIds are unique across all
        # users, so naming every family can only reach the one record that has this id.
        for kind in ("student", "employee", "contact"):
            self.result.deletions.append(Deletion(kind, source_id, mis_id))

    def _person(
        self, row: CsvRow, source_id: str, role: Role, demographic: _Demographic | None
    ) -> Person:
        given, family = row.get("givenName"), row.get("familyName")
        middle = row.get("middleName")
        name = _name(given, family)
        # Fields whose value is there but unreadable: a stored person keeps theirs.
        unreadable: set[str] = set()
        date_of_birth: dt.date | None = None
        gender: Gender | None = None
        if demographic is not None:
            date_of_birth, gender = self._demographic(
                demographic, name, role, source_id, unreadable
            )
        email = self._email(row, name, role, source_id, unreadable)
        year_group = (
            self._year_group(row, name, role, source_id, unreadable) if role == "student" else None
        )
        return Person(
            role=role,
            source_id=source_id,
            forename=row.get("preferredGivenName") or given,
            surname=row.get("preferredFamilyName") or family,
            mis_id=blank_to_none(row.get("identifier")),
            middle_names=blank_to_none(row.get("preferredMiddleName") or middle),
            legal_forename=self._legal(given, "preferredGivenName"),
            legal_middle_names=self._legal(middle, "preferredMiddleName"),
            legal_surname=self._legal(family, "preferredFamilyName"),
            gender=gender,
            date_of_birth=date_of_birth,
            email=email,
            username=blank_to_none(row.get("username")),
            year_group=year_group,
            unreadable=frozenset(unreadable),
        )

    def _email(
        self, row: CsvRow, name: str, role: Role, source_id: str, unreadable: set[str]
    ) -> str | None:
        text = row.get("email")
        try:
            return parse_email(text)
        except ValueError:
            # A stored person keeps the email they had: blanking it would lose their sign-in.
            unreadable.add("email")
            self._warn(
                self.users,
                row,
                role,
                name,
                source_id,
                f"email '{text[:60]}' is not a valid email address; the email was left as it was",
            )
            return None

    def _legal(self, value: str, preferred_column: str) -> str | None:
        """A legal name, if this package tells legal names from preferred ones at all."""
        return (value or None) if self.users.has(preferred_column) else None

    def _warn(
        self, table: Table, row: CsvRow, role: Role, name: str, source_id: str, problem: str
    ) -> None:
        self.result.issues.append(
            row_issue(table, row, role, name, problem, source_id, severity="warning")
        )

    def _year_group(
        self, row: CsvRow, name: str, role: Role, source_id: str, unreadable: set[str]
    ) -> str | None:
        grades = split_list(row.get("grades"))
        if not grades:
            return None
        grade = grades[0].upper()
        year = year_of_grade(grade)
        if year is None:
            unreadable.add("year_group")
            self._warn(
                self.users,
                row,
                role,
                name,
                source_id,
                f"grade '{grade[:20]}' is not one schoolsync can read as a National Curriculum "
                "year; the year group was left blank",
            )
        return year

    def _demographic(
        self,
        demographic: _Demographic,
        name: str,
        role: Role,
        source_id: str,
        unreadable: set[str],
    ) -> tuple[dt.date | None, Gender | None]:
        table, row = demographic.table, demographic.row
        date_of_birth: dt.date | None = None
        gender: Gender | None = None
        birth = row.get("birthDate")
        if birth:
            try:
                date_of_birth = parse_date(birth)
            except ValueError:
                unreadable.add("date_of_birth")
                self._warn(
                    table,
                    row,
                    role,
                    name,
                    source_id,
                    f"birthDate '{birth[:30]}' is not a date; the date of birth was left blank",
                )
        sex = row.get("sex")
        if sex:
            try:
                gender = parse_gender(sex)
            except ValueError:
                unreadable.add("gender")
                self._warn(
                    table,
                    row,
                    role,
                    name,
                    source_id,
                    f"sex '{sex[:20]}' is not male, female, other or unspecified; it was left "
                    "blank",
                )
        return date_of_birth, gender

    # --- agents ---------------------------------------------------------------------------

    def _links(self) -> None:
        links: dict[tuple[str, str], ContactLink] = {}
        for user in self.read_users.values():
            if user.person.role not in ("student", "contact"):
                continue  # agents of staff mean nothing to schoolsync
            for position, agent_id in enumerate(user.agents, start=1):
                link = self._link(user.person, agent_id, position, user.row)
                if link is None:
                    continue
                key = (link.pupil_source_id, link.contact_source_id)
                # The pupil's own row gives the priority; keep its version of the link.
                if key not in links or link.priority is not None:
                    links[key] = link
        self.result.links = list(links.values())

    def _link(self, owner: Person, agent_id: str, position: int, row: CsvRow) -> ContactLink | None:
        known = agent_id in self.result.roles
        agent_role = self.result.roles.get(agent_id)
        if known and agent_role is None:
            return None  # left out, and its issue says why
        if owner.role == "contact":
            if agent_role != "student":
                return None  # a pupil not in this package, or not a pupil
            return ContactLink(agent_id, owner.source_id, self._relationship(owner.source_id))
        if agent_role is not None and agent_role != "contact":
            self._warn(
                self.users,
                row,
                owner.role,
                owner.display_name,
                owner.source_id,
                f"agentSourcedIds names {agent_id[:40]}, who is a {agent_role}, not a parent, "
                "guardian or relative; no contact link was made",
            )
            return None
        if agent_role is None and self.whole:
            self._warn(
                self.users,
                row,
                owner.role,
                owner.display_name,
                owner.source_id,
                f"agentSourcedIds names {agent_id[:40]}, who is not in {self.users.file}; no "
                "contact link was made",
            )
            return None
        return ContactLink(
            owner.source_id, agent_id, self._relationship(agent_id), priority=position
        )

    def _relationship(self, contact_id: str) -> str | None:
        """The contact's OneRoster role ("parent", "guardian", "relative"): all the file says."""
        found = self.read_users.get(contact_id)
        return found.word if found else None


def _likely_role(row: CsvRow) -> Role:
    """For an issue's entity type only: who a user without a known role probably is. Only
    pupils have grades in every export we know; vendor roles are adults' roles."""
    return "student" if row.get("grades") else "staff"


def _demographics(table: Table | None) -> dict[str, _Demographic]:
    if table is None:
        return {}
    found: dict[str, _Demographic] = {}
    for row in table.csv.rows:
        if row_state(row) == "active" and row.get("sourcedId"):
            found.setdefault(row.get("sourcedId"), _Demographic(table, row))
    return found


def _name(given: str, family: str) -> str:
    return f"{given} {family}".strip()


def _and(numbers: list[int]) -> str:
    """4 and 9; 4, 9 and 12."""
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
