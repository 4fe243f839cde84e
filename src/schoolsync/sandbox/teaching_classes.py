"""A generated school's classes: one per class plan, with its subject and its teachers.

A secondary's classes are shared out among the subject's department, least busy first; a
primary's form classes are taught by the form tutor, sometimes with a teaching assistant.
"""

from __future__ import annotations

from datetime import date

from schoolsync.sandbox import staffing
from schoolsync.sandbox.curriculum import DEPARTMENTS, ClassPlan
from schoolsync.sandbox.people import PeopleFactory
from schoolsync.sandbox.staffing import Staff


def add_classes(
    factory: PeopleFactory,
    staff: Staff,
    plans: list[ClassPlan],
    subject_ids: dict[str, str],
    form_tutor: dict[str, str],
    *,
    secondary: bool,
) -> None:
    rng, school = factory.rng, factory.school
    start = factory.academic_start
    department_of = {code: d for d, (codes, _) in DEPARTMENTS.items() for code in codes}
    academic_year = f"{start}/{start + 1}"
    rollover = date(start, 7, 20)
    for plan in plans:
        class_id = school.new_id(rng)
        created, updated = factory.history(rollover)
        school.classes[class_id] = {
            "id": class_id,
            "mis_id": school.next_mis_id("class"),
            "name": plan.name,
            "code": None,
            "description": plan.name,
            "subject": subject_ids[plan.subject],
            "alternative": None,
            "academic_year": academic_year,
            "year_group": plan.year,
            "restored_at": None,
            "created_at": created,
            "updated_at": updated,
        }
        school.class_students[class_id] = list(plan.students)
        if secondary:
            department = department_of.get(plan.subject, "")
            teachers = staff.assign(staff.by_department.get(department, []))
        else:
            teachers = _primary_teachers(factory, staff, plan, form_tutor)
        school.class_employees[class_id] = teachers


def _primary_teachers(
    factory: PeopleFactory, staff: Staff, plan: ClassPlan, form_tutor: dict[str, str]
) -> list[str]:
    """French by the specialist; a form's class by its tutor; anything else shared out."""
    if plan.subject == "Fr" and staff.by_department.get(staffing.FRENCH):
        return [staff.by_department[staffing.FRENCH][0]]
    tutor = form_tutor.get(plan.name.split("/")[0])
    if tutor is not None:
        teachers = [tutor]
        if staff.assistants and factory.rng.random() < 0.5:
            teachers.append(factory.rng.choice(staff.assistants))
        return teachers
    return staff.assign(staff.by_department.get(staffing.CLASS_TEACHERS, []))
