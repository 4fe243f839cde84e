"""How alike two names are: short forms, double-barrelled surnames, accents, typos."""

from __future__ import annotations

import pytest

from schoolsync.engine.matching.names import fold, forename_likeness, surname_likeness


@pytest.mark.parametrize(
    ("one", "other", "at_least", "below"),
    [
        pytest.param("Jonathan", "Jonathan", 1.0, 1.01, id="same"),
        pytest.param("Jon", "Jonathan", 0.95, 1.0, id="short form"),
        pytest.param("Bill", "William", 0.95, 1.0, id="short form unlike the name"),
        pytest.param("Alex", "Alexander", 0.9, 1.0, id="start of the name"),
        pytest.param("Zoë", "Zoe", 1.0, 1.01, id="accent"),
        pytest.param("Mary Ann", "Mary", 0.97, 1.0, id="middle name in the forename"),
        pytest.param("Katherine", "Kathrine", 0.9, 1.0, id="typo"),
        pytest.param("Oliver", "Amelia", 0.0, 0.5, id="different"),
    ],
)
def test_forenames(one: str, other: str, at_least: float, below: float) -> None:
    assert at_least <= forename_likeness(one, other) < below


@pytest.mark.parametrize(
    ("one", "other", "at_least", "below"),
    [
        pytest.param("Smith-Jones", "Smith Jones", 1.0, 1.01, id="hyphen or space"),
        pytest.param("Smith-Jones", "Smith", 0.9, 1.0, id="double-barrelled"),
        pytest.param("O'Connor", "OConnor", 1.0, 1.01, id="apostrophe"),
        pytest.param("Wójcik", "Wojcik", 1.0, 1.01, id="accent"),
        pytest.param("Nowak", "Smith", 0.0, 0.5, id="different"),
    ],
)
def test_surnames(one: str, other: str, at_least: float, below: float) -> None:
    assert at_least <= surname_likeness(one, other) < below


def test_fold_keeps_words_only() -> None:
    assert fold("Siân O'Connor-Smith") == "sian oconnor smith"
