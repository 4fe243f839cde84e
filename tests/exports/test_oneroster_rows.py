"""Row building on a hand-made roster: the cases the seeded store does not reach."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from schoolsync.exports.oneroster_rows import build_rows
from schoolsync.exports.roster import (
    ContactLinkRecord,
    GroupRecord,
    PersonRecord,
    Roster,
    SchoolRecord,
)

TODAY = dt.date(2026, 3, 10)
SCHOOL = SchoolRecord(id=1, key="s", name="School", urn=None, timezone="Europe/London")
PERSON = PersonRecord(
    id=1,
    family="contact",
    role="contact",
    source_id="w-1",
    mis_id="1",
    upi=None,
    upn=None,
    forename="Ingrid",
    surname="Lindqvist",
    middle_names=None,
    gender=None,
    date_of_birth=None,
    email=None,
    username=None,
    year_group=None,
)


EMPTY = Roster(
    school=SCHOOL,
    people=(),
    subjects=(),
    classes=(),
    registration_groups=(),
    class_members=(),
    group_members=(),
    contact_links=(),
)


def roster(*people: PersonRecord, **kw: Any) -> Roster:
    return replace(EMPTY, people=people, **kw)


def usernames(built: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    return {row["identifier"]: row["username"] for row in built["users"]}


def test_a_shared_family_email_is_nobody_s_username() -> None:
    mum = replace(PERSON, email="family@example.org")
    dad = replace(PERSON, id=2, source_id="w-2", mis_id="2", email="Family@example.org")
    solo = replace(PERSON, id=3, source_id="w-3", mis_id="3", email="solo@example.org")

    built = build_rows(roster(mum, dad, solo), TODAY)

    sourced = {row["identifier"]: row["sourcedId"] for row in built["users"]}
    assert usernames(built) == {"1": sourced["1"], "2": sourced["2"], "3": "solo@example.org"}


def test_an_email_that_is_someone_s_username_is_not_reused() -> None:
    teacher = replace(PERSON, role="teacher", family="employee", username="shared@example.org")
    parent = replace(PERSON, id=2, source_id="w-2", mis_id="2", email="shared@example.org")

    built = build_rows(roster(teacher, parent), TODAY)

    assert usernames(built)["1"] == "shared@example.org"
    assert usernames(built)["2"] != "shared@example.org"


def test_no_urn_leaves_the_org_identifier_blank() -> None:
    (org,) = build_rows(roster(), TODAY)["orgs"]

    assert org["identifier"] == ""


def test_an_empty_school_still_has_its_org_and_year_and_no_invented_courses() -> None:
    built = build_rows(roster(), TODAY)

    assert len(built["orgs"]) == len(built["academicSessions"]) == 1
    assert built["courses"] == built["classes"] == built["users"] == []


def test_a_form_with_no_pupils_has_no_grades_but_still_a_course() -> None:
    form = GroupRecord(id=1, source_id="w-g", mis_id=None, name="7AB", code=None)

    built = build_rows(roster(registration_groups=(form,)), TODAY)

    (homeroom,) = built["classes"]
    (course,) = built["courses"]
    assert homeroom["grades"] == ""
    assert homeroom["courseSourcedId"] == course["sourcedId"]


def test_contacts_without_a_recorded_priority_come_last() -> None:
    pupil = replace(PERSON, id=10, family="pupil", role="student", source_id="w-p", mis_id="p")
    first = replace(PERSON, id=2, source_id="w-2", mis_id="2")
    unranked = replace(PERSON, id=3, source_id="w-3", mis_id="3")
    links = (
        ContactLinkRecord(10, 3, "Aunt", None, False),
        ContactLinkRecord(10, 2, "Mother", 2, True),
    )

    built = build_rows(roster(pupil, first, unranked, contact_links=links), TODAY)

    users = {row["identifier"]: row for row in built["users"]}
    assert users["p"]["agentSourcedIds"].split(",") == [
        users["2"]["sourcedId"],
        users["3"]["sourcedId"],
    ]
