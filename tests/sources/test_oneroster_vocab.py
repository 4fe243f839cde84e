"""The judgement calls of the OneRoster mapping, one named case each."""

from __future__ import annotations

import datetime as dt

import pytest

from schoolsync.sources.oneroster.vocab import (
    Relation,
    contact_role,
    grade,
    school_year_containing,
    sex,
    sorted_grades,
)


@pytest.mark.parametrize(
    ("year_group", "expected"),
    [
        pytest.param("7", "07", id="year 7"),
        pytest.param("1", "01", id="year 1 by number, not by age"),
        pytest.param("13", "13", id="upper sixth"),
        pytest.param("R", "KG", id="reception"),
        pytest.param("Reception", "KG", id="reception spelled out"),
        pytest.param("N2", "PK", id="nursery year before reception"),
        pytest.param("N1", "PR", id="first nursery year"),
        pytest.param("X", "UG", id="no national curriculum year"),
        pytest.param("Year 10", "10", id="with a Year prefix"),
        pytest.param("Y8", "08", id="with a Y prefix"),
        pytest.param("09", "09", id="already two digits"),
        pytest.param(" 11 ", "11", id="padded"),
        pytest.param("14", None, id="year 14 has no CEDS level"),
        pytest.param("Sixth form", None, id="unrecognised"),
        pytest.param("", None, id="blank"),
        pytest.param(None, None, id="none"),
    ],
)
def test_grade(year_group: str | None, expected: str | None) -> None:
    assert grade(year_group) == expected


def test_grades_sort_youngest_first() -> None:
    assert sorted_grades(["10", "KG", "07", "PK", "07", "UG"]) == ["PK", "KG", "07", "10", "UG"]


@pytest.mark.parametrize(
    ("gender", "expected"),
    [
        ("female", "female"),
        ("male", "male"),
        ("other", "other"),
        ("not_stated", "unspecified"),
        (None, "unspecified"),
        ("FEMALE", "female"),
    ],
)
def test_sex(gender: str | None, expected: str) -> None:
    assert sex(gender) == expected


@pytest.mark.parametrize(
    ("relationship", "responsibility", "expected"),
    [
        pytest.param("Mother", True, "parent", id="mother"),
        pytest.param("Father", None, "parent", id="father, responsibility not recorded"),
        pytest.param("Step Father", True, "parent", id="step parent"),
        pytest.param("Stepmother", False, "parent", id="step parent in one word"),
        pytest.param("PAR", True, "parent", id="CBDS parent code"),
        pytest.param("Parent/Guardian", True, "parent", id="parent or guardian"),
        pytest.param("Foster Mother", True, "guardian", id="foster carer"),
        pytest.param("Carer", True, "guardian", id="carer"),
        pytest.param("Grandmother", False, "guardian", id="grandparent"),
        pytest.param("Partner of Parent", False, "guardian", id="parent's partner"),
        pytest.param("Mother-in-law", False, "guardian", id="in-law"),
        pytest.param("Family Friend", False, "guardian", id="friend"),
        pytest.param(None, True, "parent", id="unknown, with parental responsibility"),
        pytest.param("  ", False, "guardian", id="unknown, without"),
    ],
)
def test_contact_role(relationship: str | None, responsibility: bool | None, expected: str) -> None:
    assert contact_role([Relation(relationship, responsibility)]) == expected


def test_a_parent_of_any_linked_pupil_is_a_parent() -> None:
    relations = [Relation("Carer", True), Relation("Mother", True)]

    assert contact_role(relations) == "parent"
    assert contact_role([]) == "guardian"


@pytest.mark.parametrize(
    ("day", "start", "end", "end_year", "title"),
    [
        pytest.param(
            dt.date(2026, 3, 10),
            dt.date(2025, 9, 1),
            dt.date(2026, 8, 31),
            2026,
            "2025/26",
            id="spring term",
        ),
        pytest.param(
            dt.date(2026, 8, 31),
            dt.date(2025, 9, 1),
            dt.date(2026, 8, 31),
            2026,
            "2025/26",
            id="last day",
        ),
        pytest.param(
            dt.date(2026, 9, 1),
            dt.date(2026, 9, 1),
            dt.date(2027, 8, 31),
            2027,
            "2026/27",
            id="first day",
        ),
        pytest.param(
            dt.date(1999, 12, 31),
            dt.date(1999, 9, 1),
            dt.date(2000, 8, 31),
            2000,
            "1999/00",
            id="across a century",
        ),
    ],
)
def test_school_year(day: dt.date, start: dt.date, end: dt.date, end_year: int, title: str) -> None:
    year = school_year_containing(day)

    assert (year.start, year.end, year.end_year, year.title) == (start, end, end_year, title)
