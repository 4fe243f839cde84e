"""Class suggestions on first connection, and the sets-versus-forms warning."""

from __future__ import annotations

from schoolsync.engine.matching.classes import Choice, ExistingClass, suggest_classes
from schoolsync.engine.matching.sets import looks_like_form, looks_like_set, sets_warning
from tests.builders import school_class


def test_shared_pupils_make_a_match_and_the_rest_import_or_wait() -> None:
    mis = [
        school_class("c1", "6 Hazel", mis_id="mis-c1", students=("p1", "p2", "p3")),
        school_class("c2", "Year 3 Oak", mis_id="mis-c2", students=("p7", "p8")),
        school_class("c3", "6 Yew", mis_id="mis-c3", students=("p4", "p5", "p6")),
    ]
    existing = [
        ExistingClass(10, "Hazel class", None, frozenset({101, 102, 103})),
        ExistingClass(11, "6Ma1", None, frozenset({104, 105, 106})),
    ]
    links = {"p1": 101, "p2": 102, "p3": 103, "p4": 104, "p5": 105, "p6": 106}
    rows = {r.key: r for r in suggest_classes(mis, existing, links)}
    assert rows["mis-c1"].suggested == Choice("match", 10)
    assert "3 of 3 pupils in both" in rows["mis-c1"].evidence
    assert rows["mis-c2"].suggested == Choice("import")
    # 6 Yew shares its pupils with 6Ma1, but a form is not a set: it is offered, not chosen
    assert rows["mis-c3"].suggested.action in {"match", "none"}


def test_names_and_codes_match_classes_with_no_pupils_yet() -> None:
    mis = [school_class("c1", "7A Maths", code="7A/Ma")]
    existing = [ExistingClass(10, "Maths 7A", "7A/Ma", frozenset())]
    (row,) = suggest_classes(mis, existing, {})
    assert row.suggested == Choice("match", 10)
    assert "same code" in row.evidence


def test_a_persons_choice_replaces_the_suggestion() -> None:
    mis = [school_class("c1", "7A", mis_id="mis-c1", students=("p1",))]
    (row,) = suggest_classes(mis, [], {}, {"mis-c1": Choice("none")})
    assert (row.suggested, row.chosen, row.changed) == (Choice("import"), Choice("none"), True)


def test_set_and_form_names() -> None:
    assert all(looks_like_set(n) for n in ("6Ma1", "10 Sc 2", "Y9Ma3", "8x/Ma1", "Maths set 2"))
    assert not any(looks_like_set(n) for n in ("6H", "6Y", "10AB"))
    assert all(looks_like_form(n) for n in ("6H", "6Y", "10AB", "Y7 RT"))


def test_sets_warning_in_the_words_schools_know() -> None:
    sets = [
        ExistingClass(1, "6Ma1", None, frozenset({1, 2, 3})),
        ExistingClass(2, "6Ma2", None, frozenset({4, 5})),
    ]
    warning = sets_warning(sets, ["6H", "6Y"], linked={1, 2, 3, 4})
    assert warning is not None
    assert "move the pupils out of 6Ma1 and 6Ma2 and put them into 6H and 6Y" in warning
    assert "4 pupils affected" in warning
    assert sets_warning(sets, ["6Ma1", "6H"], linked={1}) is None
    assert sets_warning(sets, ["6H"], linked=set()) is None
