"""Values no longer than the store holds, from every source. Pure.

The store's columns have lengths (a UPN 20, a name 120, an id 64); PostgreSQL refuses a longer
value, and one such value would fail the whole run. Any source can send one (an MIS field typed
by hand, an uploaded file), so every snapshot passes through `fit` before it is validated. The
lengths come in as `sizes` (table -> column -> length), read from the table definitions by the
store, so they are declared once, and a field added to a table and to the domain value is
fitted with no code here.

- An id (`KEYS`) that does not fit cannot be stored, and cut it would be someone else's: the
  record is left out with an error `Issue`.
- A name that does not fit is cut to fit, with a warning: the record is still synced.
- Any other value that does not fit (a title, an email, a code) is not used, with a warning; a
  person already stored keeps the value they had (it is marked unreadable).
- Issues themselves are cut to fit, since they are stored too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any, Literal

from schoolsync.model import (
    ContactLink,
    Deletion,
    Group,
    Issue,
    IssueEntity,
    Person,
    SchoolClass,
    SchoolInfo,
    Snapshot,
)
from schoolsync.model.current import person_values

#: table name -> column name -> the longest string it holds
Sizes = Mapping[str, Mapping[str, int]]

#: Values that say who or what a record is.
KEYS: frozenset[str] = frozenset({"source_id", "mis_id", "upn"})
#: Names end with one of these (`legal_forename`, `preferred_surname`, a class's `name`).
_NAME_ENDINGS: tuple[str, ...] = ("name", "forename", "surname", "middle_names")
#: ...but these are logins, not names: cut, they would be someone else's.
_NOT_NAMES: frozenset[str] = frozenset({"username"})

Severity = Literal["error", "warning"]
#: a length no string reaches: a value with no column limit always fits
_NO_LIMIT = 1 << 62


def is_name(field: str) -> bool:
    return field.endswith(_NAME_ENDINGS) and field not in _NOT_NAMES


def fit(snapshot: Snapshot, sizes: Sizes) -> Snapshot:
    """The snapshot with every value the store could not hold dealt with."""
    fitter = _Fitter(sizes, snapshot.origin)
    people = []
    for person in snapshot.people:
        fitted = fitter.person(person)
        if fitted is None:
            fitter.gone.add((person.family, person.source_id))
        else:
            people.append(fitted)
    return replace(
        snapshot,
        people=tuple(people),
        subjects=_kept(fitter.structure("subject", "subjects", s) for s in snapshot.subjects),
        classes=_kept(fitter.school_class(each) for each in snapshot.classes),
        groups=_kept(fitter.group(each) for each in snapshot.groups),
        contact_links=_kept(fitter.link(each) for each in snapshot.contact_links),
        deletions=_kept(fitter.deletion(each) for each in snapshot.deletions),
        school=fitter.school(snapshot.school),
        read_issues=tuple(fitter.issue(i) for i in (*snapshot.read_issues, *fitter.issues)),
    )


def _kept(values: Any) -> tuple[Any, ...]:
    return tuple(value for value in values if value is not None)


class _Fitter:
    def __init__(self, sizes: Sizes, origin: str | None) -> None:
        self.sizes = sizes
        self.prefix = f"{origin}: " if origin else ""
        self.issues: list[Issue] = []
        #: (family, source_id) of the people left out here, whom relations must not name
        self.gone: set[tuple[str, str]] = set()
        self.id_size = sizes["people"]["source_id"]
        #: table -> record type -> its (field, limit) pairs, worked out once per type: a school
        #: sends thousands of records and only their string fields with a limit need a look
        self._limits: dict[tuple[str, type], tuple[tuple[str, int], ...]] = {}

    def _too_long(self, table: str, field: str, value: Any) -> bool:
        limit = self.sizes[table].get(field)
        return isinstance(value, str) and limit is not None and len(value) > limit

    def _long_fields(self, table: str, record: Any) -> list[str]:
        """The fields of `record` (a dataclass) whose value is longer than `table` holds."""
        limits = self._limits.get((table, type(record)))
        if limits is None:
            sizes = self.sizes[table]
            limits = tuple((f.name, sizes[f.name]) for f in fields(record) if f.name in sizes)
            self._limits[(table, type(record))] = limits
        return [
            name
            for name, limit in limits
            if isinstance(value := getattr(record, name), str) and len(value) > limit
        ]

    def _report(
        self,
        entity: IssueEntity,
        name: str,
        source_id: str,
        field: str,
        limit: int,
        severity: Severity,
    ) -> None:
        if severity == "error":
            outcome = "it was left out"
        elif is_name(field):
            outcome = f"it was cut to {limit} characters"
        else:
            outcome = "it was not used, and any value stored before is kept"
        self.issues.append(
            Issue(
                entity,
                name,
                f"{self.prefix}{field} is longer than the {limit} characters schoolsync can "
                f"store; {outcome}",
                source_id,
                severity=severity,
            )
        )

    def _ids(self, family: str, ids: tuple[str, ...]) -> tuple[str, ...]:
        """`ids` without those too long to store or of people left out (the same tuple when
        none is: most records need no change)."""
        size, gone = self.id_size, self.gone
        if all(len(i) <= size and (family, i) not in gone for i in ids):
            return ids
        return tuple(i for i in ids if len(i) <= size and (family, i) not in gone)

    def person(self, person: Person) -> Person | None:
        entity = person.role
        sizes = self.sizes["people"]
        # The username a source may give is not a synced field, but it is stored all the same.
        stored = person_values(person)  # a dict of its own
        stored["username"] = person.username
        long = [
            name
            for name, value in stored.items()
            if isinstance(value, str) and len(value) > sizes.get(name, _NO_LIMIT)
        ]
        for name in long:
            if name in KEYS:
                self._report(
                    entity, person.display_name, person.source_id, name, sizes[name], "error"
                )
                return None
        changed: dict[str, Any] = {}
        unreadable = set(person.unreadable)
        for name in long:
            self._report(
                entity, person.display_name, person.source_id, name, sizes[name], "warning"
            )
            value = getattr(person, name, None)
            if not hasattr(person, name):
                continue  # a stored form made of other values: nothing to cut
            if name == "sen_needs":
                changed[name] = self._sen_needs(person)
            elif is_name(name) and isinstance(value, str):
                changed[name] = value[: sizes[name]]
            else:
                changed[name] = None
                unreadable.add(name)
        if not changed:
            return person
        return replace(person, **changed, unreadable=frozenset(unreadable))

    def _sen_needs(self, person: Person) -> Any:
        """The needs that fit, the lowest-ranked going first."""
        limit = self.sizes["people"]["sen_needs"]
        needs = person.sen_needs
        while needs and len(",".join(f"{n.code}:{n.rank}" for n in needs)) > limit:
            needs = needs[:-1]
        return needs

    def structure(self, entity: IssueEntity, table: str, record: Any) -> Any:
        """A subject, class or group with its own values fitted, or None to leave it out."""
        sizes = self.sizes[table]
        long = self._long_fields(table, record)
        if not long:
            return record
        changed: dict[str, Any] = {}
        name = record.name[: sizes.get("name", len(record.name))]
        for field_name in long:
            value = getattr(record, field_name)
            limit = sizes[field_name]
            if field_name in KEYS:
                self._report(
                    entity, name, record.source_id[: self.id_size], field_name, limit, "error"
                )
                return None
            self._report(entity, name, record.source_id, field_name, limit, "warning")
            changed[field_name] = value[:limit] if is_name(field_name) else None
        return replace(record, **changed)

    def school_class(self, school_class: SchoolClass) -> SchoolClass | None:
        fitted: SchoolClass | None = self.structure("class", "classes", school_class)
        if fitted is None:
            return None
        subject = fitted.subject_source_id
        subject_fits = not self._too_long("subjects", "source_id", subject)
        students = self._ids("pupil", fitted.student_ids)
        teachers = self._ids("employee", fitted.teacher_ids)
        if subject_fits and students is fitted.student_ids and teachers is fitted.teacher_ids:
            return fitted
        return replace(
            fitted,
            subject_source_id=subject if subject_fits else None,
            student_ids=students,
            teacher_ids=teachers,
        )

    def group(self, group: Group) -> Group | None:
        fitted: Group | None = self.structure("group", "groups", group)
        if fitted is None:
            return None
        students = self._ids("pupil", fitted.student_ids)
        employees = self._ids("employee", fitted.employee_ids)
        if students is fitted.student_ids and employees is fitted.employee_ids:
            return fitted
        return replace(fitted, student_ids=students, employee_ids=employees)

    def link(self, link: ContactLink) -> ContactLink | None:
        size, gone = self.id_size, self.gone
        pupil, contact = link.pupil_source_id, link.contact_source_id
        if len(pupil) > size or ("pupil", pupil) in gone:
            return None
        if len(contact) > size or ("contact", contact) in gone:
            return None
        if self._too_long("contact_links", "relationship", link.relationship):
            return replace(link, relationship=None)
        return link

    def deletion(self, deletion: Deletion) -> Deletion | None:
        if len(deletion.source_id) > self.id_size:
            return None
        if deletion.mis_id is not None and len(deletion.mis_id) > self.id_size:
            return replace(deletion, mis_id=None)
        return deletion

    def school(self, school: SchoolInfo | None) -> SchoolInfo | None:
        if school is None:
            return None
        sizes = self.sizes["schools"]
        values: dict[str, Any] = {
            each.name: None
            for each in fields(school)
            if each.name != "name"
            and self._too_long("schools", each.name, getattr(school, each.name))
        }
        values["name"] = school.name[: sizes["name"]]
        return replace(school, **values)

    def issue(self, issue: Issue) -> Issue:
        sizes = self.sizes["issues"]
        return replace(
            issue,
            entity_name=issue.entity_name[: sizes["entity_name"]],
            source_id=issue.source_id[: sizes["source_id"]],
            mis_id=issue.mis_id[: sizes["mis_id"]],
        )
