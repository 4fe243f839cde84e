"""The rows of a OneRoster 1.2 bulk package, built from a `Roster`. Pure.

Bulk mode: every file is the complete set of its type, so `status` and `dateLastModified` are
blank throughout (spec B.4), and anything not current - leavers, archived people, deleted
classes - is simply absent: a bulk consumer reads absence as removal, and a `tobedeleted`
row is only meaningful in a delta file. The roster is already restricted to current records,
which is also what keeps the package self-consistent: every sourcedId a row references is
defined in the package.

Rows are sorted, so two exports of an unchanged store are identical byte for byte.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from schoolsync.exports.oneroster_ids import make_id, person_ids, structure_ids
from schoolsync.exports.roster import ClassRecord, Membership, PersonRecord, Roster
from schoolsync.sources.oneroster import vocab

Row = dict[str, str]

_ROLE_RANK = {"student": 0, "teacher": 1, "staff": 2, "contact": 3}


@dataclass(frozen=True, slots=True)
class _Course:
    sourced_id: str
    title: str
    code: str


# Courses for classes with no subject. 1.2 makes a class's courseSourcedId required, and a
# bulk package must define what it references, so a registration group (never tied to a
# subject) or a teaching group whose subject is unknown or deleted needs a course of its own.
# One shared course per kind, created only when some class needs it, keeps that visible as
# what it is rather than inventing a subject.
_HOMEROOM_COURSE = ("registration", "Registration", "REG")
_OTHER_GROUPS_COURSE = ("other-groups", "Year, house and other groups", "GROUPS")


class _Build:
    def __init__(self, roster: Roster, today: dt.date) -> None:
        self.roster = roster
        key = roster.school.key
        self.school_key = key
        self.org_id = make_id(key, "org")
        self.year = vocab.school_year_containing(today)
        self.session_id = make_id(key, "schoolYear", str(self.year.end_year))
        self.users = person_ids(key, roster.people)
        self.people = {person.id: person for person in roster.people}
        self.classes = structure_ids(key, "class", roster.classes)
        self.homerooms = structure_ids(key, "homeroom", roster.registration_groups)
        self.subject_courses = structure_ids(key, "course", roster.subjects)
        self.extra_courses: dict[str, _Course] = {}
        self.class_courses = {record.id: self._class_course(record) for record in roster.classes}
        self.homeroom_course = (
            self._extra_course(_HOMEROOM_COURSE) if roster.registration_groups else ""
        )
        self.other_groups = structure_ids(key, "group", roster.other_groups)
        self.other_groups_course = (
            self._extra_course(_OTHER_GROUPS_COURSE) if roster.other_groups else ""
        )
        self.relations: dict[int, list[vocab.Relation]] = defaultdict(list)
        for link in roster.contact_links:
            self.relations[link.contact_id].append(
                vocab.Relation(link.relationship, link.parental_responsibility)
            )

    def _extra_course(self, spec: tuple[str, str, str]) -> str:
        name, title, code = spec
        if name not in self.extra_courses:
            self.extra_courses[name] = _Course(
                make_id(self.school_key, "course", "synthetic", name), title, code
            )
        return self.extra_courses[name].sourced_id

    # --- orgs and sessions -----------------------------------------------------------------
    def orgs(self) -> list[Row]:
        school = self.roster.school
        return [
            {
                "sourcedId": self.org_id,
                "name": school.name,
                "type": "school",
                "identifier": school.urn or "",
            }
        ]

    def academic_sessions(self) -> list[Row]:
        return [
            {
                "sourcedId": self.session_id,
                "title": self.year.title,
                "type": "schoolYear",
                "startDate": self.year.start.isoformat(),
                "endDate": self.year.end.isoformat(),
                "schoolYear": str(self.year.end_year),
            }
        ]

    # --- classes and courses ---------------------------------------------------------------
    def _grades(self, year_group: str | None, members: Iterable[Membership]) -> str:
        """The class's own year if the MIS gave one, else the years of its pupils."""
        own = vocab.grade(year_group)
        if own:
            return own
        found = (
            vocab.grade(self.people[m.person_id].year_group)
            for m in members
            if self.people[m.person_id].role == "student"
        )
        return ",".join(vocab.sorted_grades(g for g in found if g))

    def _class_course(self, record: ClassRecord) -> str:
        if record.subject_id is not None and record.subject_id in self.subject_courses:
            return self.subject_courses[record.subject_id]
        return self._extra_course(vocab.NO_SUBJECT_COURSE)

    def classes_rows(self) -> list[Row]:
        members: dict[int, list[Membership]] = defaultdict(list)
        for m in self.roster.class_members:
            members[m.of_id].append(m)
        rows: list[Row] = [
            {
                "sourcedId": self.classes[record.id],
                "title": record.name,
                "grades": self._grades(record.year_group, members[record.id]),
                "courseSourcedId": self.class_courses[record.id],
                "classCode": record.code or "",
                "classType": "scheduled",
                "location": record.location or "",
                "schoolSourcedId": self.org_id,
                "termSourcedIds": self.session_id,
            }
            for record in self.roster.classes
        ]
        # Registration (form) groups are where an English school takes the register and
        # where the form tutor looks after pupils day to day: exactly what OneRoster calls a
        # homeroom. Consumers use homerooms for pastoral features (the tutor sees their form)
        # that teaching groups cannot give them. Other pastoral groups (year, house) have no
        # OneRoster counterpart and are not exported.
        group_members: dict[int, list[Membership]] = defaultdict(list)
        for m in self.roster.group_members:
            group_members[m.of_id].append(m)
        rows.extend(
            {
                "sourcedId": self.homerooms[group.id],
                "title": group.name,
                "grades": self._grades(None, group_members[group.id]),
                "courseSourcedId": self.homeroom_course,
                "classCode": group.code or "",
                "classType": "homeroom",
                "schoolSourcedId": self.org_id,
                "termSourcedIds": self.session_id,
            }
            for group in self.roster.registration_groups
        )
        # Year groups, houses and the other kinds have no OneRoster class type; the spec lets
        # an enumeration be extended with `ext:`, so each is a class of its own type
        # (`ext:schoolsync.year`, ...), which the import reads back as that kind of group and
        # other consumers can tell from teaching classes.
        rows.extend(
            {
                "sourcedId": self.other_groups[group.id],
                "title": group.name,
                "grades": self._grades(None, group_members[group.id]),
                "courseSourcedId": self.other_groups_course,
                "classCode": group.code or "",
                "classType": vocab.group_class_type(group.kind),
                "schoolSourcedId": self.org_id,
                "termSourcedIds": self.session_id,
            }
            for group in self.roster.other_groups
        )
        return sorted(
            rows, key=lambda row: (row["classType"] != "homeroom", row["title"], row["sourcedId"])
        )

    def courses(self) -> list[Row]:
        # subjects/subjectCodes stay blank: they must be the same length, and subjectCodes
        # are meant to be SCED codes, which no English MIS has; the MIS code is courseCode.
        rows = [
            self._course_row(self.subject_courses[subject.id], subject.name, subject.code or "")
            for subject in self.roster.subjects
        ]
        rows.extend(
            self._course_row(course.sourced_id, course.title, course.code)
            for course in self.extra_courses.values()
        )
        return sorted(rows, key=lambda row: (row["title"], row["sourcedId"]))

    def _course_row(self, sourced_id: str, title: str, code: str) -> Row:
        return {
            "sourcedId": sourced_id,
            "schoolYearSourcedId": self.session_id,
            "title": title,
            "courseCode": code,
            "orgSourcedId": self.org_id,
        }

    # --- users, roles, demographics --------------------------------------------------------
    def _ordered_people(self) -> list[PersonRecord]:
        return sorted(
            self.roster.people,
            key=lambda p: (
                _ROLE_RANK[p.role],
                p.surname.casefold(),
                p.forename.casefold(),
                self.users[p.id],
            ),
        )

    def _agents(self) -> dict[int, list[str]]:
        """Pupils to their contacts (in the school's priority order) and contacts to their
        pupils: 1.2's agentSourcedIds, which is how a parent app finds a parent's children."""
        by_priority: dict[int, list[tuple[bool, int, str]]] = defaultdict(list)
        children: dict[int, set[str]] = defaultdict(set)
        for link in self.roster.contact_links:
            contact = self.users[link.contact_id]
            priority = link.priority if link.priority is not None else 0
            by_priority[link.pupil_id].append((link.priority is None, priority, contact))
            children[link.contact_id].add(self.users[link.pupil_id])
        agents = {pupil: [sid for *_, sid in sorted(found)] for pupil, found in by_priority.items()}
        agents.update((contact, sorted(found)) for contact, found in children.items())
        return agents

    def _user_role(self, person: PersonRecord) -> str:
        if person.role == "contact":
            return vocab.contact_role(self.relations[person.id])
        return vocab.STAFF_ROLES[person.role]

    def _usernames(self) -> dict[int, str]:
        """username is required and must be unique. The product's own username wins; a
        person without one (often a pupil or parent) gets their email, unless another user
        has it too (parents sharing a family address), and otherwise their sourcedId."""
        taken = Counter(p.username.casefold() for p in self.roster.people if p.username)
        taken.update(p.email.casefold() for p in self.roster.people if p.email and not p.username)
        usernames = {}
        for person in self.roster.people:
            if person.username:
                usernames[person.id] = person.username
            elif person.email and taken[person.email.casefold()] == 1:
                usernames[person.id] = person.email
            else:
                usernames[person.id] = self.users[person.id]
        return usernames

    def users_rows(self) -> list[Row]:
        agents = self._agents()
        usernames = self._usernames()
        # OneRoster 1.2: givenName/middleName/familyName are the legal names, preferred* the
        # names the school uses, written only where they differ (a blank preferred name means
        # "the same"). The UPN (userMasterIdentifier) and passwords are never exported.
        rows = []
        for person in self._ordered_people():
            sourced_id = self.users[person.id]
            rows.append(
                {
                    "sourcedId": sourced_id,
                    # Only current people are exported, so every user is enabled.
                    "enabledUser": "true",
                    "username": usernames[person.id],
                    "userIds": _user_ids(person),
                    **_names(person),
                    "identifier": person.mis_id or "",
                    "email": person.email or "",
                    "agentSourcedIds": ",".join(agents.get(person.id, ())),
                    "grades": (vocab.grade(person.year_group) or "")
                    if person.role == "student"
                    else "",
                    "primaryOrgSourcedId": self.org_id,
                }
            )
        return rows

    def roles(self) -> list[Row]:
        rows = []
        for person in self._ordered_people():
            user = self.users[person.id]
            rows.append(
                {
                    "sourcedId": make_id(self.school_key, "role", user, self.org_id, "primary"),
                    "userSourcedId": user,
                    "roleType": "primary",
                    "role": self._user_role(person),
                    "orgSourcedId": self.org_id,
                }
            )
        return rows

    def demographics(self) -> list[Row]:
        # Pupils only: a learning product has a use for a pupil's age and sex (age-appropriate
        # content, safeguarding), none for staff's or parents' dates of birth.
        return [
            {
                "sourcedId": self.users[person.id],
                "birthDate": person.date_of_birth.isoformat() if person.date_of_birth else "",
                "sex": vocab.sex(person.gender),
            }
            for person in self._ordered_people()
            if person.role == "student"
        ]

    # --- enrollments -----------------------------------------------------------------------
    def enrollments(self) -> list[Row]:
        rows: list[Row] = []
        rows.extend(
            self._enrollments(
                self.classes,
                self.roster.class_members,
                {"student": "student", "teacher": "teacher"},
            )
        )
        # A registration group's employees are its form tutors: "teacher" is the 1.2
        # enrollment role that gives them the form (enrollment roles are only administrator,
        # proctor, student and teacher), whatever their role at the school.
        rows.extend(
            self._enrollments(
                {**self.homerooms, **self.other_groups},
                self.roster.group_members,
                {"student": "student", "employee": "teacher"},
            )
        )
        return sorted(
            rows,
            key=lambda row: (row["classSourcedId"], row["role"] != "teacher", row["userSourcedId"]),
        )

    def _enrollments(
        self, class_ids: dict[int, str], members: Iterable[Membership], roles: dict[str, str]
    ) -> list[Row]:
        chosen = [(m, roles[m.role]) for m in members if m.role in roles]
        teachers: dict[int, int] = defaultdict(int)
        for m, role in chosen:
            if role == "teacher":
                teachers[m.of_id] += 1
        rows = []
        for m, role in chosen:
            class_id, user_id = class_ids[m.of_id], self.users[m.person_id]
            # "primary" marks the lead teacher, and at most one per class may have it. The
            # store does not say who leads a shared class, so only a sole teacher is primary.
            primary = "" if role != "teacher" else str(teachers[m.of_id] == 1).lower()
            rows.append(
                {
                    "sourcedId": make_id(self.school_key, "enrollment", class_id, user_id, role),
                    "classSourcedId": class_id,
                    "schoolSourcedId": self.org_id,
                    "userSourcedId": user_id,
                    "role": role,
                    "primary": primary,
                }
            )
        return rows


def _names(person: PersonRecord) -> Row:
    """The legal and preferred name columns. A person whose legal names are not known (a
    source without them) has the names the school uses as legal ones."""
    columns: Row = {}
    for legal_column, preferred_column, legal, used in (
        ("givenName", "preferredGivenName", person.legal_forename, person.forename),
        ("middleName", "preferredMiddleName", person.legal_middle_names, person.middle_names),
        ("familyName", "preferredFamilyName", person.legal_surname, person.surname),
    ):
        legal_name = legal or used or ""
        columns[legal_column] = legal_name
        columns[preferred_column] = used if used and used != legal_name else ""
    return columns


def _user_ids(person: PersonRecord) -> str:
    # {type:identifier}; braces or commas in the value would break the list, and an MIS id
    # with them is not one a consumer could match on anyway.
    if person.mis_id and not any(c in person.mis_id for c in "{},"):
        return f"{{MIS:{person.mis_id}}}"
    return ""


def build_rows(roster: Roster, today: dt.date) -> dict[str, list[Row]]:
    """File type -> rows (column -> value; blank columns may be missing)."""
    build = _Build(roster, today)
    return {
        "orgs": build.orgs(),
        "academicSessions": build.academic_sessions(),
        "courses": build.courses(),
        "classes": build.classes_rows(),
        "users": build.users_rows(),
        "roles": build.roles(),
        "enrollments": build.enrollments(),
        "demographics": build.demographics(),
    }
