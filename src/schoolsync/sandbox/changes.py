"""Day-to-day MIS changes, applied to a SandboxSchool the way Wonde would then report them.

Each change bumps `updated_at` on every top-level record it touches (the pupil, and any class
or group whose membership changed) and writes a deletion entry for every top-level record it
removes, then returns a one-line description for logs and test failures.

`apply_random_changes` draws a realistic mix of routine changes; the destructive ones
(`deleted_class`, `deleted_subject`) only happen when asked for by name.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from schoolsync.sandbox import names
from schoolsync.sandbox.families import add_contacts, new_household
from schoolsync.sandbox.people import PeopleFactory
from schoolsync.sandbox.places import locale_for
from schoolsync.sandbox.pupils import add_pupil
from schoolsync.sandbox.scenarios import SCENARIOS
from schoolsync.sandbox.state import SandboxSchool

Record = dict[str, Any]
Change = Callable[[SandboxSchool, random.Random, Record], str]

# How often each routine change happens relative to the others on a school day.
ROUTINE_WEIGHTS: dict[str, int] = {
    "new_joiner": 3,
    "leaver": 3,
    "class_move": 8,
    "rename": 2,
    "email_change": 1,
    "year_group_change": 1,
    "emptied_class": 1,
    "teacher_leaver": 1,
}


def apply_change(school: SandboxSchool, kind: str, rng: random.Random) -> str:
    """Apply one change of `kind`; returns what happened. ValueError for an unknown kind."""
    change = _CHANGES.get(kind)
    if change is None:
        raise ValueError(f"unknown change kind {kind!r}; valid kinds: {', '.join(CHANGE_KINDS)}")
    with school.lock:
        return change(school, rng, school.stamp())


def apply_random_changes(school: SandboxSchool, count: int, seed: int) -> list[str]:
    """`count` routine changes drawn from a realistic mix, deterministic by seed."""
    rng = random.Random(seed)
    kinds, weights = list(ROUTINE_WEIGHTS), list(ROUTINE_WEIGHTS.values())
    return [apply_change(school, rng.choices(kinds, weights=weights)[0], rng) for _ in range(count)]


# --- helpers -------------------------------------------------------------------------------


def _full_name(record: Record) -> str:
    return f"{record.get('forename')} {record.get('surname')} ({record.get('id')})"


def _touch_all(school: SandboxSchool, collection: str, ids: list[str], stamp: Record) -> None:
    for record_id in ids:
        school.touch(collection, record_id, stamp)


def _remove_member(memberships: dict[str, list[str]], member: str) -> list[str]:
    """Take `member` out of every list; returns the owners that changed."""
    changed = []
    for owner, members in memberships.items():
        if member in members:
            members[:] = [m for m in members if m != member]
            changed.append(owner)
    return changed


def _groups_of_type(school: SandboxSchool, kind: str, year: str | None = None) -> list[str]:
    return [
        group_id
        for group_id, group in school.groups.items()
        if group.get("type") == kind and (year is None or school.group_year.get(group_id) == year)
    ]


def _smallest(school: SandboxSchool, memberships: dict[str, list[str]], ids: list[str]) -> str:
    return min(ids, key=lambda owner: len(memberships.get(owner, [])))


def _join_year_classes(
    school: SandboxSchool,
    rng: random.Random,
    student_id: str,
    year: str,
    year_size: int,
    form: str | None,
) -> list[str]:
    """Join the year's classes as a pupil of that year would: every subject the whole year
    takes, and options in proportion to how many already take them; the form's own class
    where a subject is taught in forms (primary), else the emptiest. Returns classes joined."""
    by_subject: dict[str, list[str]] = {}
    for class_id, record in school.classes.items():
        if record.get("year_group") == year and isinstance(record.get("subject"), str):
            by_subject.setdefault(record["subject"], []).append(class_id)
    joined = []
    for class_ids in by_subject.values():
        enrolled = sum(len(school.class_students.get(c, [])) for c in class_ids)
        share = enrolled / year_size if year_size else 1.0
        if share >= 0.9 or rng.random() < share:
            own = [
                c
                for c in class_ids
                if form and str(school.classes[c].get("name", "")).split("/")[0] == form
            ]
            target = own[0] if own else _smallest(school, school.class_students, class_ids)
            school.class_students.setdefault(target, []).append(student_id)
            joined.append(target)
    return joined


def _remove_student(school: SandboxSchool, student_id: str, stamp: Record) -> Record:
    record = school.students.pop(student_id)
    school.log_deletion("student", record, stamp)
    _touch_all(school, "classes", _remove_member(school.class_students, student_id), stamp)
    _touch_all(school, "groups", _remove_member(school.group_students, student_id), stamp)
    links = school.student_contacts.pop(student_id, [])
    still_linked = {link.get("contact") for ls in school.student_contacts.values() for link in ls}
    # A contact with no pupil left at the school goes too, as it does from a MIS.
    for link in links:
        contact_id = link.get("contact")
        if contact_id not in still_linked and contact_id in school.contacts:
            school.log_deletion("contact", school.contacts.pop(contact_id), stamp)
            school.contact_details.pop(contact_id, None)
    for payloads in (
        school.education_details, school.extended_details, school.contact_details,
        school.attendance_summary,
    ):  # fmt: skip
        payloads.pop(student_id, None)
    school.sen_needs.pop(student_id, None)
    return record


# --- the changes ---------------------------------------------------------------------------


def _new_joiner(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    years = [y for g in _groups_of_type(school, "YEAR") if (y := school.group_year.get(g))]
    if not years:
        return "new_joiner: the school has no year groups to join"
    year = rng.choice(years)
    year_group = _groups_of_type(school, "YEAR", year)[0]
    year_size = len(school.group_students.get(year_group, []))
    now = school.now()
    factory = PeopleFactory(
        school=school,
        rng=rng,
        place=locale_for(school.locale),
        anchor=now,
        upn_sources=school.upn_sources
        or [(str(school.profile.get("la_code")), str(school.profile.get("establishment_number")))],
        connected=now - timedelta(days=1),
    )
    household = new_household(factory)
    add_contacts(factory, household)
    secondary = school.profile.get("phase_of_education") != "PRIMARY"
    student_id = add_pupil(factory, household, year, now.date(), secondary=secondary)
    for contact_id, _ in household.contacts:
        school.contacts[contact_id]["created_at"] = dict(stamp)
        school.contacts[contact_id]["updated_at"] = dict(stamp)
    student = school.students[student_id]
    student["created_at"], student["updated_at"] = dict(stamp), dict(stamp)

    groups = [year_group]
    forms = _groups_of_type(school, "REGISTRATION", year)
    if forms:
        groups.append(_smallest(school, school.group_students, forms))
    houses = _groups_of_type(school, "HOUSE")
    if houses:
        groups.append(_smallest(school, school.group_students, houses))
    for group_id in groups:
        school.group_students.setdefault(group_id, []).append(student_id)
    _touch_all(school, "groups", groups, stamp)
    form = str(school.groups[groups[1]]["name"]) if forms else None
    classes = _join_year_classes(school, rng, student_id, year, year_size, form)
    _touch_all(school, "classes", classes, stamp)
    return (
        f"new_joiner: {_full_name(student)} joined {school.groups[year_group]['name']}, "
        f"form {form or 'none'}, {len(classes)} classes, {len(household.contacts)} contacts"
    )


def _leaver(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    if not school.students:
        return "leaver: no pupils left"
    record = _remove_student(school, rng.choice(list(school.students)), stamp)
    return f"leaver: {_full_name(record)} left the school"


def _class_move(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    parallel: dict[tuple[Any, Any], list[str]] = {}
    for class_id, record in school.classes.items():
        key = (record.get("subject"), record.get("year_group"))
        parallel.setdefault(key, []).append(class_id)
    candidates = [
        (class_id, others)
        for others in parallel.values()
        if len(others) > 1
        for class_id in others
        if school.class_students.get(class_id)
    ]
    if not candidates:
        return "class_move: no class has a parallel class to move to"
    source, others = rng.choice(candidates)
    student_id = rng.choice(school.class_students[source])
    target = rng.choice([c for c in others if c != source])
    school.class_students[source].remove(student_id)
    school.class_students.setdefault(target, []).append(student_id)
    _touch_all(school, "classes", [source, target], stamp)
    school.touch("students", student_id, stamp)
    return (
        f"class_move: {_full_name(school.students.get(student_id, {'id': student_id}))} moved "
        f"from {school.classes[source]['name']} to {school.classes[target]['name']}"
    )


def _rename(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    if not school.students:
        return "rename: no pupils to rename"
    student_id = rng.choice(list(school.students))
    record = school.students[student_id]
    before = _full_name(record)
    old = str(record.get("surname") or "")
    new = names.surname(rng, names.pick_heritage(rng))
    if rng.random() < 0.3 and old and " " not in old and "-" not in old:
        new = f"{old}-{new}" if " " not in new and "-" not in new else new
    if new == old:
        new = f"{old}-{names.surname(rng, names.heritage('english'))}"
    gender = record.get("gender")
    new = names.gendered_surname(new, gender if gender in ("MALE", "FEMALE") else None)
    record["surname"] = record["legal_surname"] = new
    record["initials"] = names.initials(str(record.get("forename") or ""), new)
    record["updated_at"] = dict(stamp)
    return f"rename: {before} is now {record['forename']} {new}"


def _email_change(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    staff = [e for e in school.employees if isinstance(school.contact_details.get(e), dict)]
    if not staff:
        return "email_change: no staff with contact details"
    employee_id = rng.choice(staff)
    person = school.employees[employee_id]
    emails = school.contact_details[employee_id].setdefault("emails", {})
    before = emails.get("email")
    first = names.email_part(str(person.get("forename") or "x"))
    last = names.email_part(str(person.get("surname") or "x"))
    for local in (f"{first[:1]}.{last}", f"{first}{last}", f"{last}.{first}", f"{first}.{last}"):
        candidate = f"{local}@{school.email_domain}"
        if candidate != before:
            break
    if candidate == before:
        candidate = f"{first}.{last}{rng.randint(2, 99)}@{school.email_domain}"
    emails.update(email=candidate, primary=candidate, work=candidate)
    person["updated_at"] = dict(stamp)
    return f"email_change: {_full_name(person)} changed email from {before} to {candidate}"


def _year_group_change(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    years = {
        school.group_year[g]: g for g in _groups_of_type(school, "YEAR") if g in school.group_year
    }
    order = [y for y in ("R", *map(str, range(1, 14))) if y in years]
    movable = [s for s in school.students if school.year_of_student(s) in years and len(order) > 1]
    if not movable:
        return "year_group_change: no pupil can change year"
    student_id = rng.choice(movable)
    old = school.year_of_student(student_id) or ""
    position = order.index(old)
    steps = [p for p in (position - 1, position + 1) if 0 <= p < len(order)]
    new = order[rng.choice(steps)]
    touched_groups = [
        g
        for g in _groups_of_type(school, "YEAR", old) + _groups_of_type(school, "REGISTRATION", old)
        if student_id in school.group_students.get(g, [])
    ]
    for group_id in touched_groups:
        school.group_students[group_id].remove(student_id)
    left = [
        c
        for c, record in school.classes.items()
        if record.get("year_group") == old and student_id in school.class_students.get(c, [])
    ]
    for class_id in left:
        school.class_students[class_id].remove(student_id)
    new_year_group = years[new]
    year_size = len(school.group_students.get(new_year_group, []))
    joined_groups = [new_year_group]
    forms = _groups_of_type(school, "REGISTRATION", new)
    if forms:
        joined_groups.append(_smallest(school, school.group_students, forms))
    for group_id in joined_groups:
        school.group_students.setdefault(group_id, []).append(student_id)
    form = str(school.groups[joined_groups[-1]]["name"]) if forms else None
    joined = _join_year_classes(school, rng, student_id, new, year_size, form)
    school.education_details.setdefault(student_id, {})["current_nc_year"] = new
    _touch_all(school, "groups", touched_groups + joined_groups, stamp)
    _touch_all(school, "classes", left + joined, stamp)
    school.touch("students", student_id, stamp)
    return (
        f"year_group_change: {_full_name(school.students[student_id])} moved from year {old} "
        f"to year {new}, form {form or 'none'}"
    )


def _emptied_class(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    full = [c for c in school.classes if school.class_students.get(c)]
    if not full:
        return "emptied_class: every class is already empty"
    class_id = rng.choice(full)
    students = school.class_students[class_id]
    school.class_students[class_id] = []
    _touch_all(school, "students", students, stamp)
    school.touch("classes", class_id, stamp)
    return f"emptied_class: {school.classes[class_id]['name']} lost all {len(students)} pupils"


def _drop_class(school: SandboxSchool, class_id: str, stamp: Record) -> Record:
    record = school.classes.pop(class_id)
    school.log_deletion("class", record, stamp)
    _touch_all(school, "students", school.class_students.pop(class_id, []), stamp)
    school.class_employees.pop(class_id, None)
    return record


def _deleted_class(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    if not school.classes:
        return "deleted_class: no classes left"
    record = _drop_class(school, rng.choice(list(school.classes)), stamp)
    return f"deleted_class: {record.get('name')} ({record.get('id')}) was deleted"


def _deleted_subject(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    if not school.subjects:
        return "deleted_subject: no subjects left"
    taught = school.classes_of_subjects()
    pool = [s for s in school.subjects if s in taught] or list(school.subjects)
    subject_id = rng.choice(pool)
    subject = school.subjects.pop(subject_id)
    classes = taught.get(subject_id, [])
    for class_id in classes:
        _drop_class(school, class_id, stamp)
    school.log_deletion("subject", subject, stamp)
    return (
        f"deleted_subject: {subject.get('name')} ({subject_id}) was deleted "
        f"with {len(classes)} classes"
    )


def _teacher_leaver(school: SandboxSchool, rng: random.Random, stamp: Record) -> str:
    teachers = [
        e
        for e in school.employees
        if (school.employment_details.get(e) or {}).get("teaching_staff")
    ] or list(school.employees)
    if not teachers:
        return "teacher_leaver: no staff left"
    employee_id = rng.choice(teachers)
    record = school.employees.pop(employee_id)
    school.log_deletion("employee", record, stamp)
    classes = _remove_member(school.class_employees, employee_id)
    groups = _remove_member(school.group_employees, employee_id)
    _touch_all(school, "classes", classes, stamp)
    _touch_all(school, "groups", groups, stamp)
    for payloads in (school.employment_details, school.contact_details):
        payloads.pop(employee_id, None)
    return f"teacher_leaver: {_full_name(record)} left, leaving {len(classes)} classes without them"


_CHANGES: dict[str, Change] = {
    "new_joiner": _new_joiner,
    "leaver": _leaver,
    "class_move": _class_move,
    "rename": _rename,
    "email_change": _email_change,
    "year_group_change": _year_group_change,
    "emptied_class": _emptied_class,
    "deleted_class": _deleted_class,
    "deleted_subject": _deleted_subject,
    "teacher_leaver": _teacher_leaver,
    **SCENARIOS,
}
CHANGE_KINDS: tuple[str, ...] = tuple(_CHANGES)
