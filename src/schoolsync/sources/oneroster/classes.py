"""OneRoster courses, classes and enrollments to subjects, classes and groups. Pure.

- A course is a `Subject` (`sourcedId`, `title`, `courseCode`).
- A class of type `homeroom` is a registration (form) group, `Group(kind="registration")`, and
  one of type `ext:schoolsync.<kind>` (how schoolsync exports year groups, houses and the other
  kinds) a group of that kind; any other class (`scheduled`, or another `ext:` type) is a
  teaching `SchoolClass`, whose subject is its course and whose year group is its first grade.
- A course that only groups name is not a subject: 1.2 requires every class to have a course,
  so exporters invent one for homerooms (schoolsync's is "Registration").
- Enrollments make the members: role `student` a pupil, `teacher` a teacher (an employee member
  of a group). 1.2's `administrator` and `proctor` enrollments, and 1.1's rarer roles, are
  people with a duty in the class rather than its members; schoolsync's classes hold pupils and
  teachers only, so those rows are skipped without an issue.
- An enrollment naming someone read with another role (a pupil enrolled as a teacher, which
  real packages do) is a warning and is not used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from schoolsync.model import (
    GROUP_KINDS,
    Deletion,
    Group,
    GroupKind,
    Issue,
    IssueEntity,
    Role,
    SchoolClass,
    Subject,
)
from schoolsync.sources.files.csv import CsvRow, blank_to_none
from schoolsync.sources.oneroster.roles import year_of_grade
from schoolsync.sources.oneroster.tables import (
    Table,
    row_issue,
    row_problem,
    row_state,
    split_list,
)
from schoolsync.sources.oneroster.vocab import GROUP_CLASS_TYPE_PREFIX, NO_SUBJECT_COURSE

_MEMBER_ROLES: dict[str, Role] = {"student": "student", "teacher": "teacher"}


@dataclass(slots=True)
class ClassesRead:
    subjects: list[Subject] = field(default_factory=list)
    classes: list[SchoolClass] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    #: courseSourcedIds that groups name
    group_courses: set[str] = field(default_factory=set)

    def drop_group_only_courses(self) -> None:
        """Leave out the courses that groups name and no teaching class does: the stand-ins
        that 1.2's required courseSourcedId makes exporters invent (see the module doc)."""
        taught = {c.subject_source_id for c in self.classes}
        stand_ins = self.group_courses - taught
        self.subjects = [s for s in self.subjects if s.source_id not in stand_ins]

    def drop_no_subject_course(self) -> None:
        """schoolsync's own export gives classes without a subject a course that says so
        (`NO_SUBJECT_COURSE`); read back, those classes have no subject again."""
        _, title, code = NO_SUBJECT_COURSE
        stand_ins = {s.source_id for s in self.subjects if (s.name, s.code) == (title, code)}
        self.subjects = [s for s in self.subjects if s.source_id not in stand_ins]
        self.classes = [
            replace(c, subject_source_id=None) if c.subject_source_id in stand_ins else c
            for c in self.classes
        ]


def read_subjects(courses: Table, result: ClassesRead, *, complete: bool) -> None:
    seen: set[str] = set()
    for row in courses.csv.rows:
        source_id = row.get("sourcedId")
        title = row.get("title")
        problem = row_problem(row) or (None if source_id else "the course has no sourcedId")
        if problem is not None:
            result.issues.append(row_issue(courses, row, "subject", title, problem, source_id))
            continue
        if row_state(row) == "deleted":
            if not complete:
                result.deletions.append(Deletion("subject", source_id))
            continue
        if source_id in seen:
            continue
        seen.add(source_id)
        result.subjects.append(
            Subject(
                source_id=source_id,
                name=title or row.get("courseCode"),
                code=blank_to_none(row.get("courseCode")),
            )
        )


@dataclass(frozen=True, slots=True)
class Roster:
    """The users a package sent: their roles (None for one left out), and whether users.csv
    is bulk, so that an id it lacks names nobody rather than someone stored earlier."""

    roles: Mapping[str, Role | None]
    whole: bool


@dataclass(slots=True)
class _Members:
    students: list[str] = field(default_factory=list)
    teachers: list[str] = field(default_factory=list)


def read_classes(
    classes: Table,
    enrollments: Table | None,
    roster: Roster | None,
    result: ClassesRead,
    *,
    complete: bool,
) -> None:
    """`roster` is None when users.csv is absent: enrollments then name people stored earlier."""
    rows: dict[str, CsvRow] = {}
    gone: set[str] = set()
    for row in classes.csv.rows:
        source_id = row.get("sourcedId")
        problem = row_problem(row) or (None if source_id else "the class has no sourcedId")
        if problem is not None:
            entity: IssueEntity = "group" if _is_group(row) else "class"
            result.issues.append(
                row_issue(classes, row, entity, row.get("title"), problem, source_id)
            )
            gone.add(source_id)
        elif row_state(row) == "deleted":
            gone.add(source_id)
            if not complete:
                result.deletions.append(Deletion("group" if _is_group(row) else "class", source_id))
        else:
            rows.setdefault(source_id, row)
    members = _members(enrollments, rows, gone, roster, result, whole=classes.mode == "bulk")
    for source_id, row in rows.items():
        found = members.get(source_id, _Members())
        kind = _group_kind(row)
        if kind is not None:
            result.group_courses.add(row.get("courseSourcedId"))
            result.groups.append(
                Group(
                    source_id=source_id,
                    name=row.get("title"),
                    kind=kind,
                    code=blank_to_none(row.get("classCode")),
                    student_ids=tuple(found.students),
                    employee_ids=tuple(found.teachers),
                )
            )
            continue
        grades = split_list(row.get("grades"))
        grade = grades[0].upper() if grades else ""
        result.classes.append(
            SchoolClass(
                source_id=source_id,
                name=row.get("title"),
                code=blank_to_none(row.get("classCode")),
                subject_source_id=blank_to_none(row.get("courseSourcedId")),
                year_group=year_of_grade(grade),
                location=blank_to_none(row.get("location")),
                student_ids=tuple(found.students),
                teacher_ids=tuple(found.teachers),
            )
        )


def _group_kind(row: CsvRow) -> GroupKind | None:
    """The kind of group a class row is, or None for a teaching class."""
    class_type = row.get("classType").lower()
    if class_type == "homeroom":
        return "registration"
    kind = class_type.removeprefix(GROUP_CLASS_TYPE_PREFIX)
    if class_type.startswith(GROUP_CLASS_TYPE_PREFIX) and kind in GROUP_KINDS:
        return kind  # type: ignore[return-value]
    return None


def _is_group(row: CsvRow) -> bool:
    return _group_kind(row) is not None


def _members(
    enrollments: Table | None,
    classes: Mapping[str, CsvRow],
    gone: set[str],
    roster: Roster | None,
    result: ClassesRead,
    *,
    whole: bool,
) -> dict[str, _Members]:
    """Members by class. `whole`: classes.csv is bulk, so a class it lacks does not exist."""
    members: dict[str, _Members] = {}
    if enrollments is None:
        return members
    for row in enrollments.csv.rows:
        class_id, user_id = row.get("classSourcedId"), row.get("userSourcedId")
        role = _MEMBER_ROLES.get(row.get("role").lower())
        if row_problem(row) is not None or row_state(row) == "deleted" or role is None:
            continue  # a removal cannot be said but by leaving the member out
        if class_id in gone or not user_id:
            continue
        if class_id not in classes:
            if not whole:
                continue  # a class stored earlier, not changed in this delta
            result.issues.append(
                row_issue(
                    enrollments,
                    row,
                    "class",
                    "",
                    f"the enrollment names class {class_id[:40]}, which is not in the package; "
                    "it was not used",
                    class_id,
                    severity="warning",
                )
            )
            continue
        problem = _member_problem(user_id, role, roster)
        if problem is not None:
            if problem:
                result.issues.append(
                    row_issue(
                        enrollments,
                        row,
                        "group" if _is_group(classes[class_id]) else "class",
                        classes[class_id].get("title"),
                        problem,
                        class_id,
                        severity="warning",
                    )
                )
            continue
        found = members.setdefault(class_id, _Members())
        listed = found.students if role == "student" else found.teachers
        if user_id not in listed:
            listed.append(user_id)
    return members


def _member_problem(user_id: str, role: Role, roster: Roster | None) -> str | None:
    """Why an enrollment cannot be used: a message, "" to skip it quietly, None to use it."""
    if roster is None:
        return None
    if user_id not in roster.roles:
        if not roster.whole:
            return None  # someone stored earlier, not sent in this delta
        return f"the enrollment names user {user_id[:40]}, who is not in users.csv; it was not used"
    actual = roster.roles[user_id]
    if actual is None:
        return ""  # the user was left out, and their own issue says why
    if (actual == "student") != (role == "student") or actual == "contact":
        return (
            f"user {user_id[:40]} is enrolled as a {role} but is a {actual}; the enrollment "
            "was not used"
        )
    return None
