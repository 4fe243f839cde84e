"""Pupil resolution on first connection, one rule per case, with the three matching issue
messages of DESIGN.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from schoolsync.engine.matching.pupils import resolve_people
from schoolsync.engine.validate import MULTIPLE_MATCHES, ROLE_MISMATCH, USERNAME_IN_USE
from tests.builders import pupil, teacher

BIRTHDAY = dt.date(2014, 3, 9)


def account(id: int, forename: str, surname: str, **kw: Any) -> dict[str, Any]:
    row = {
        "id": id,
        "family": "pupil",
        "role": "student",
        "username": f"{forename.lower()}{id}",
        "email": None,
        "upn": None,
        "mis_id": None,
        "forename": forename,
        "surname": surname,
        "date_of_birth": BIRTHDAY,
        "year_group": "7",
    }
    row.update(kw)
    return row


CASES = [
    pytest.param(
        pupil("p1", "Amara", "Okafor", upn="A123"),
        [account(1, "Someone", "Else", upn="a123")],
        ("linked", 1, "upn", None),
        id="UPN first, whatever the name",
    ),
    pytest.param(
        pupil("p1", "Amara", "Okafor", email="AMARA@school.org.uk"),
        [account(1, "A", "O", email="amara@school.org.uk", date_of_birth=None)],
        ("linked", 1, "email", None),
        id="email, any case",
    ),
    pytest.param(
        pupil("p1", "Jon", "Smith"),
        [account(1, "Jonathan", "Smith"), account(2, "Jonathan", "Smith", date_of_birth=None)],
        ("linked", 1, "name_dob", None),
        id="short forename and the same birthday",
    ),
    pytest.param(
        pupil("p1", "Ella", "Smith-Jones"),
        [account(1, "Ella", "Smith")],
        ("linked", 1, "name_dob", None),
        id="double-barrelled surname",
    ),
    pytest.param(
        pupil("p1", "Zoë", "Brontë"),
        [account(1, "Zoe", "Bronte")],
        ("linked", 1, "name_dob", None),
        id="accents",
    ),
    pytest.param(
        pupil("p1", "Amara", "Okafor"),
        [account(1, "Amara", "Okafor", date_of_birth=None)],
        ("unresolved", None, None, None),
        id="no birthday to compare: a person decides",
    ),
    pytest.param(
        pupil("p1", "Amara", "Okafor"),
        [account(1, "Amara", "Okafor", date_of_birth=dt.date(2013, 1, 1))],
        ("new", None, None, None),
        id="another birthday is another child",
    ),
    pytest.param(
        pupil("p1", "Sam", "Lee"),
        [account(1, "Samuel", "Lee"), account(2, "Samantha", "Lee")],
        ("unresolved", None, None, None),
        id="two accounts as alike: a person decides",
    ),
    pytest.param(
        teacher("t1", email="ms.jones@school.org.uk"),
        [account(1, "Sian", "Jones", email="ms.jones@school.org.uk")],
        ("issue", 1, "email", ROLE_MISMATCH),
        id="the email is a pupil's",
    ),
    pytest.param(
        pupil("p1", email="twin@school.org.uk"),
        [
            account(1, "A", "B", email="twin@school.org.uk"),
            account(2, "C", "D", email="twin@school.org.uk"),
        ],
        ("issue", None, "email", MULTIPLE_MATCHES),
        id="the email is on two accounts",
    ),
    pytest.param(
        pupil("p1", "Amara", "Okafor", email="amara@school.org.uk"),
        [account(1, "Other", "Child", username="amara@school.org.uk", date_of_birth=None)],
        ("issue", 1, "email", USERNAME_IN_USE),
        id="the email is another account's username",
    ),
]


@pytest.mark.parametrize(("person", "accounts", "expected"), CASES)
def test_rules(person: Any, accounts: list[dict[str, Any]], expected: tuple[Any, ...]) -> None:
    found = resolve_people([person], accounts)[person.mis_id or person.source_id]
    assert (found.outcome, found.person_id, found.rule, found.message) == expected
    assert found.evidence


def test_a_persons_answer_comes_first() -> None:
    amara = pupil("p1", "Amara", "Okafor", upn="A123")
    accounts = [account(1, "Amara", "Okafor", upn="A123"), account(2, "Amara", "Okafor")]
    assert (
        resolve_people([amara], accounts, {amara.mis_id or "": 2})[amara.mis_id or ""].person_id
        == 2
    )
    new = resolve_people([amara], accounts, {amara.mis_id or "": None})[amara.mis_id or ""]
    assert (new.outcome, new.rule) == ("new", "chosen")


def test_one_account_goes_to_one_person() -> None:
    twins = [pupil("p1", "Jon", "Smith"), pupil("p2", "John", "Smith")]
    found = resolve_people(twins, [account(1, "Jonathan", "Smith")])
    assert {r.outcome for r in found.values()} == {"unresolved"}
    assert all(r.candidates[0].person_id == 1 for r in found.values())
