"""Every issue message a school can see, with the case that raises it."""

from __future__ import annotations

import pytest

from schoolsync.engine import validate as v
from schoolsync.model.changes import NewRef
from schoolsync.model.current import Current
from schoolsync.school_settings import SchoolSettings
from tests.builders import (
    contact,
    plan_for,
    pupil,
    school_class,
    snapshot,
    staff,
    stored_person,
    teacher,
)


def messages(validated: v.Validated) -> dict[str, str]:
    return {issue.source_id: issue.message for issue in validated.issues}


def test_teacher_and_staff_need_an_email_by_default_and_pupils_do_not() -> None:
    snap = snapshot(teacher("T1", email=None), staff("S1", email=None), pupil("P1"))
    validated, plan = plan_for(snap)
    assert messages(validated) == {"T1": v.MISSING_EMAIL, "S1": v.MISSING_EMAIL}
    created = {c.key for c in plan.changes if c.kind == "create"}
    assert created == {"P1"}


def test_the_school_can_require_pupil_emails_too() -> None:
    settings = SchoolSettings(require_email=frozenset({"student"}))
    validated, _ = plan_for(snapshot(pupil("P1"), teacher("T1", email=None)), settings=settings)
    assert messages(validated) == {"P1": v.MISSING_EMAIL}


def test_email_outside_the_allowed_domains_is_left_out() -> None:
    settings = SchoolSettings(allowed_domains=("school.org.uk",))
    snap = snapshot(
        teacher("T1"),
        teacher("T2", email="t2@gmail.com"),
        teacher("T3", email="t3@staff.school.org.uk"),
    )
    validated, _ = plan_for(snap, settings=settings)
    assert messages(validated) == {"T2": v.DOMAIN_NOT_ALLOWED}


def test_every_person_sharing_an_email_gets_the_duplicate_issue() -> None:
    snap = snapshot(
        teacher("T1", email="same@school.org.uk"),
        staff("S1", email="same@school.org.uk"),
        teacher("T2"),
    )
    validated, plan = plan_for(snap)
    assert messages(validated) == {"T1": v.DUPLICATE_EMAIL, "S1": v.DUPLICATE_EMAIL}
    assert {c.key for c in plan.changes if c.kind == "create"} == {"T2"}


def test_parents_may_share_an_email() -> None:
    snap = snapshot(
        contact("C1", email="home@example.org"), contact("C2", email="home@example.org")
    )
    validated, _ = plan_for(snap)
    assert validated.issues == ()


def test_existing_user_with_that_email_in_another_role() -> None:
    existing = stored_person(1, pupil("OLD", email="x@school.org.uk"), source_id=None)
    validated, _ = plan_for(
        snapshot(teacher("T1", email="x@school.org.uk")), Current(people=(existing,))
    )
    assert messages(validated) == {"T1": v.ROLE_MISMATCH}


def test_two_existing_users_could_be_this_person() -> None:
    first = stored_person(1, teacher("M1", email="x@school.org.uk"), source_id=None, upi=None)
    second = stored_person(2, teacher("M2", email="x@school.org.uk"), source_id=None, upi=None)
    validated, _ = plan_for(
        snapshot(teacher("T1", email="x@school.org.uk")), Current(people=(first, second))
    )
    assert messages(validated) == {"T1": v.MULTIPLE_MATCHES}


def test_one_existing_unlinked_user_with_the_email_is_adopted_not_duplicated() -> None:
    manual = stored_person(
        7, teacher("M1", email="x@school.org.uk"), source_id=None, upi=None, mis_id=None
    )
    validated, plan = plan_for(
        snapshot(teacher("T1", email="x@school.org.uk")), Current(people=(manual,))
    )
    assert validated.issues == ()
    [change] = plan.changes
    assert (change.kind, change.record_id, change.after["source_id"]) == ("update", 7, "T1")


def test_email_that_is_another_users_username() -> None:
    holder = stored_person(3, teacher("H1", email="h1@school.org.uk"), username="x@school.org.uk")
    validated, _ = plan_for(
        snapshot(teacher("H1", email="h1@school.org.uk"), teacher("T1", email="x@school.org.uk")),
        Current(people=(holder,)),
    )
    assert messages(validated) == {"T1": v.USERNAME_IN_USE}


@pytest.mark.parametrize("name", ["", "   "])
def test_class_without_a_name(name: str) -> None:
    snap = snapshot(
        pupil("P1"),
        school_class("C1", name=name, students=["P1"], mis_id="9"),
        school_class("C2", students=["P1"]),
    )
    validated, plan = plan_for(snap)
    [issue] = validated.issues
    assert (issue.entity_type, issue.message, issue.mis_id) == ("Class", v.MISSING_CLASS_NAME, "9")
    assert {c.key for c in plan.changes if c.entity == "class"} == {"C2"}
    assert not any(c.after.get("parent_id") == NewRef("class", "C1") for c in plan.changes)


def test_one_id_naming_two_different_people_leaves_both_out() -> None:
    snap = snapshot(pupil("P1", forename="Zara"), pupil("P1", forename="Zoë"), pupil("P2"))
    validated, plan = plan_for(snap)
    [issue] = validated.issues
    assert issue.message.startswith(v.UNEXPECTED)
    assert "P1" in issue.message
    assert {c.key for c in plan.changes if c.kind == "create"} == {"P2"}


def test_a_record_repeated_identically_is_taken_once() -> None:
    validated, plan = plan_for(snapshot(pupil("P1"), pupil("P1")))
    assert validated.issues == ()
    assert [c.key for c in plan.changes] == ["P1"]


# What the admin must be told to do for each message (the seed table's resolutions).
RESOLUTION_ADVICE = {
    v.MISSING_EMAIL: "has an email associated",
    v.DOMAIN_NOT_ALLOWED: "allowed email domains",
    v.ROLE_MISMATCH: "role of the user in your MIS is correct",
    v.MULTIPLE_MATCHES: "unique email address",
    v.DUPLICATE_EMAIL: "same email in your MIS",
    v.USERNAME_IN_USE: "username is the same as their email",
    v.MISSING_CLASS_NAME: "Give it a name",
    f"{v.UNEXPECTED}: anything": "next sync",
}


@pytest.mark.parametrize("message", sorted(RESOLUTION_ADVICE))
def test_every_message_has_its_own_resolution(message: str) -> None:
    assert RESOLUTION_ADVICE[message] in v.resolution_for(message)


def test_each_message_is_resolved_differently_and_unknown_ones_not_at_all() -> None:
    resolutions = [v.resolution_for(message) for message in RESOLUTION_ADVICE]
    assert len(set(resolutions)) == len(resolutions)
    assert v.resolution_for("Something no source says") == ""
