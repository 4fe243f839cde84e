"""Validation: which entities can be synced, and the issue for each that cannot. Pure.

The messages are the ones schools already know from the products that came before (DESIGN.md,
"Issues CSV"); an entity with an error is left out of this run and left as it was in the store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from schoolsync.engine.identity import PersonKey
from schoolsync.engine.members import unknown_members
from schoolsync.engine.usernames import username_clashes
from schoolsync.model import ROLES, Issue, Person, SchoolClass, Snapshot, family_of
from schoolsync.model.current import Row
from schoolsync.school_settings import SchoolSettings

MISSING_EMAIL = "User is missing an email"
DOMAIN_NOT_ALLOWED = "Email doesn't match invite settings"
ROLE_MISMATCH = "User matched, but role is different to what was expected"
MULTIPLE_MATCHES = "Found multiple users, couldn't determine correct match"
DUPLICATE_EMAIL = "Users have duplicate email"
USERNAME_IN_USE = "User's username is currently in use"
MISSING_CLASS_NAME = "Missing class name"
UNEXPECTED = "An unexpected error has occurred"

#: What a school admin can do about each message (shown in the UI and the CSV).
RESOLUTIONS: dict[str, str] = {
    MISSING_EMAIL: "Ensure the user has an email associated with their account in your MIS.",
    DOMAIN_NOT_ALLOWED: (
        "Check the email associated with the account in your MIS and ensure it matches your "
        "school's invite settings (allowed email domains)."
    ),
    ROLE_MISMATCH: (
        "The role of the user in your MIS does not match the role of the existing user. Update "
        "the email of the existing user to have a new account created, or check that the role "
        "of the user in your MIS is correct."
    ),
    MULTIPLE_MATCHES: (
        "There are multiple users with the same email. Check and update the user to have a "
        "unique email address."
    ),
    DUPLICATE_EMAIL: (
        "There are multiple users with the same email in your MIS. Check and update the user "
        "to have a unique email address."
    ),
    USERNAME_IN_USE: (
        "The email associated with this user in your MIS is already another user's username. "
        "Check the accounts in the People area and ensure the user's username is the same as "
        "their email."
    ),
    MISSING_CLASS_NAME: (
        "The class with this MIS ID has no name in your MIS. Give it a name there to include "
        "it in your next sync."
    ),
    UNEXPECTED: (
        "Check again after your school's next sync, or get in touch with support quoting the "
        "MIS ID."
    ),
}


def resolution_for(message: str) -> str:
    if message.startswith(UNEXPECTED):
        return RESOLUTIONS[UNEXPECTED]
    return RESOLUTIONS.get(message, "")


@dataclass(frozen=True, slots=True)
class Validated:
    snapshot: Snapshot
    issues: tuple[Issue, ...]
    #: People left out because of an error: their stored records stay exactly as they are.
    skipped_people: frozenset[PersonKey]
    skipped_classes: frozenset[str]


def validate(
    snapshot: Snapshot,
    settings: SchoolSettings,
    stored_people: Sequence[Row],
    matched: Mapping[PersonKey, int],
) -> Validated:
    issues: list[Issue] = list(snapshot.read_issues)
    people, dropped = _unique_people(snapshot.people, issues)
    skipped: set[PersonKey] = set(dropped)
    for issue in snapshot.read_issues:
        role = issue.entity
        if issue.severity == "error" and role in ROLES:
            skipped.add((family_of(role), issue.source_id))

    email_counts = _email_counts(snapshot, people, stored_people, matched)
    owners_by_email: dict[str, list[Row]] = defaultdict(list)
    owners_by_username: dict[str, list[Row]] = defaultdict(list)
    for row in stored_people:
        if row["family"] == "contact" or row["status"] != "active":
            continue
        if row["email"]:
            owners_by_email[row["email"].lower()].append(row)
        if row["username"]:
            owners_by_username[row["username"].lower()].append(row)

    # A file without an email column says nothing about emails: people it updates keep theirs.
    owns_email = snapshot.person_fields is None or "email" in snapshot.person_fields
    kept: list[Person] = []
    clashes = username_clashes(people, stored_people, matched)
    for person in people:
        key = (person.family, person.source_id)
        message = USERNAME_IN_USE if key in clashes else None
        known = key in matched
        # An email the source sent but that could not be used leaves the stored one in place.
        keeps_stored = known and "email" in person.unreadable
        if (
            message is None
            and person.role != "contact"
            and (owns_email or not known)
            and not keeps_stored
        ):
            message = _email_problem(
                person,
                settings,
                email_counts,
                owners_by_email,
                owners_by_username,
                matched.get(key),
            )
        if message is None:
            kept.append(person)
        else:
            issues.append(_person_issue(person, message))
            skipped.add(key)

    classes, skipped_classes = _usable_classes(snapshot.classes, issues)
    issues += unknown_members(
        classes, snapshot.groups, snapshot.people, stored_people, skipped, snapshot.covers
    )
    usable = replace(snapshot, people=tuple(kept), classes=tuple(classes))
    return Validated(usable, tuple(issues), frozenset(skipped), frozenset(skipped_classes))


def _email_problem(
    person: Person,
    settings: SchoolSettings,
    email_counts: Counter[str],
    owners_by_email: Mapping[str, list[Row]],
    owners_by_username: Mapping[str, list[Row]],
    own_row: int | None,
) -> str | None:
    email = person.email
    if not email:
        return MISSING_EMAIL if settings.email_required(person.role) else None
    if not settings.domain_allowed(email):
        return DOMAIN_NOT_ALLOWED
    if email_counts[email.lower()] > 1:
        return DUPLICATE_EMAIL
    others = [row for row in owners_by_email.get(email, ()) if row["id"] != own_row]
    if own_row is None:
        # An unlinked user with this email would have been matched unless it was ambiguous.
        unclaimed = [row for row in others if row["source_id"] is None]
        if len(unclaimed) > 1:
            return MULTIPLE_MATCHES
    if others:
        if any(row["family"] != person.family for row in others):
            return ROLE_MISMATCH
        if own_row is None and len(others) > 1:
            return MULTIPLE_MATCHES
    holders = [
        row
        for row in owners_by_username.get(email, ())
        if row["id"] != own_row and (row["email"] or "").lower() != email
    ]
    if holders:
        return USERNAME_IN_USE
    return None


def _email_counts(
    snapshot: Snapshot,
    people: Sequence[Person],
    stored_people: Sequence[Row],
    matched: Mapping[PersonKey, int],
) -> Counter[str]:
    """How many users would hold each email after this run: those sent, and the stored users
    this fetch does not speak for. An incremental fetch sends only what changed, so without
    the stored ones it would let a pupil take the email of one it did not send, which the
    full sync refuses."""
    counts: Counter[str] = Counter(
        p.email.lower() for p in people if p.role != "contact" and p.email
    )
    sent = {
        matched[key] for key in ((p.family, p.source_id) for p in snapshot.people) if key in matched
    }
    deleted: set[tuple[str, str]] = {(d.kind, d.source_id) for d in snapshot.deletions}
    for row in stored_people:
        if (
            row["family"] == "contact"
            or row["status"] != "active"
            or not row["email"]
            or row["source_id"] is None  # a user made by hand: matching deals with them
            or row["id"] in sent
            or _leaving(row, snapshot, deleted)
        ):
            continue
        counts[row["email"].lower()] += 1
    return counts


def _leaving(row: Row, snapshot: Snapshot, deleted: set[tuple[str, str]]) -> bool:
    """Whether this fetch makes a stored user it did not send leave, freeing their email."""
    if row["family"] not in snapshot.covers or row["role"] in snapshot.roles_left_alone:
        return False
    if snapshot.complete:
        return True
    kind = "student" if row["family"] == "pupil" else row["family"]
    return (kind, row["source_id"]) in deleted


def _unique_people(
    people: Sequence[Person], issues: list[Issue]
) -> tuple[list[Person], set[PersonKey]]:
    """Drop exact repeats (a record seen on two pages); flag ids that name two different
    people: neither can be trusted."""
    first: dict[PersonKey, Person] = {}
    conflicted: set[PersonKey] = set()
    for person in people:
        key = (person.family, person.source_id)
        seen = first.get(key)
        if seen is None:
            first[key] = person
        elif seen != person:
            conflicted.add(key)
    for key in conflicted:
        person = first[key]
        issues.append(
            _person_issue(
                person, f"{UNEXPECTED}: the MIS sent two different records with id {key[1]}"
            )
        )
    return [p for k, p in first.items() if k not in conflicted], conflicted


def _usable_classes(
    classes: Sequence[SchoolClass], issues: list[Issue]
) -> tuple[list[SchoolClass], set[str]]:
    first: dict[str, SchoolClass] = {}
    conflicted: set[str] = set()
    for school_class in classes:
        seen = first.get(school_class.source_id)
        if seen is None:
            first[school_class.source_id] = school_class
        elif seen != school_class:
            conflicted.add(school_class.source_id)
    skipped: set[str] = set()
    usable = []
    for source_id, school_class in first.items():
        message = None
        if source_id in conflicted:
            message = f"{UNEXPECTED}: the MIS sent two different classes with id {source_id}"
        elif not school_class.name.strip():
            message = MISSING_CLASS_NAME
        if message is None:
            usable.append(school_class)
            continue
        skipped.add(source_id)
        issues.append(
            Issue("class", school_class.name, message, source_id, school_class.mis_id or "")
        )
    return usable, skipped


def _person_issue(person: Person, message: str) -> Issue:
    return Issue(
        person.role,
        person.display_name,
        message,
        person.source_id,
        person.mis_id or "",
    )
