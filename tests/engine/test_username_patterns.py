"""Usernames for new accounts: each pattern, collisions, and stability."""

from __future__ import annotations

import pytest

from schoolsync.engine.username_patterns import make_username


@pytest.mark.parametrize(
    ("pattern", "taken", "expected"),
    [
        pytest.param("initial-surname", set(), "soconnorsmith", id="initial and surname"),
        pytest.param("initial-surname", {"soconnorsmith"}, "soconnorsmith2", id="collision"),
        pytest.param("forename.surname", set(), "sian.oconnorsmith", id="forename.surname"),
        pytest.param(
            "forename.surname", {"sian.oconnorsmith"}, "sian.oconnorsmith2", id="dot collision"
        ),
    ],
)
def test_patterns(pattern: str, taken: set[str], expected: str) -> None:
    assert make_username(pattern, "Siân", "O'Connor-Smith", "A1", taken.__contains__) == expected


def test_digits_are_stable_and_skip_taken_ones() -> None:
    first = make_username("forename-initial-digits", "Jonathan", "Smith", "A1", set().__contains__)
    assert first.startswith("jonathans") and len(first) == len("jonathans") + 2
    again = make_username("forename-initial-digits", "Jonathan", "Smith", "A1", set().__contains__)
    assert again == first
    other = make_username(
        "forename-initial-digits", "Jonathan", "Smith", "A1", {first}.__contains__
    )
    assert other != first and other.startswith("jonathans")


def test_every_two_digit_number_taken_goes_to_three() -> None:
    taken = {f"jonathans{n}" for n in range(10, 100)}
    assert (
        make_username("forename-initial-digits", "Jonathan", "Smith", "A1", taken.__contains__)
        == "jonathans100"
    )


def test_a_leavers_username_is_never_given_to_anybody_else() -> None:
    from schoolsync.engine.plan import make_plan
    from schoolsync.engine.validate import validate
    from schoolsync.model.current import Current
    from schoolsync.school_settings import SchoolSettings
    from tests.builders import pupil, snapshot, stored_person

    gone = stored_person(1, pupil("OLD", "Amy", "Okafor"), status="left", username="aokafor")
    current = Current(people=(gone,))
    snap = snapshot(pupil("NEW", "Ade", "Okafor", upi="u-new", mis_id="m-new"))
    validated = validate(snap, SchoolSettings(), current.people, {})
    plan = make_plan(validated, current, {}, "initial-surname")
    (created,) = [c for c in plan.changes if c.kind == "create"]
    assert created.after["username"] == "aokafor2"


def test_the_setting_offers_exactly_the_patterns_the_engine_makes() -> None:
    from schoolsync.engine.username_patterns import USERNAME_PATTERNS
    from schoolsync.school_settings import USERNAME_PATTERNS as OFFERED

    assert OFFERED == USERNAME_PATTERNS
