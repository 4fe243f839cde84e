"""What a manual sync offers and what a choice saves: the same for the CLI and the web wizard."""

from __future__ import annotations

from schoolsync.engine.manual_choice import (
    classes_chosen,
    classes_offered,
    scope_of_choice,
    subjects_chosen,
    subjects_offered,
)
from schoolsync.engine.scope import Scope
from tests.builders import school_class, snapshot, subject

MIS = snapshot(
    subject("SM", "Maths"),
    subject("SE", "English"),
    school_class("K1", "7A/Ma1", subject_source_id="SM"),
    school_class("K2", "7A/En1", subject_source_id="SE"),
    school_class("K3", "Form 7A"),
)


def test_offers_by_name_and_ticks_what_the_saved_scope_syncs() -> None:
    assert [s.name for s in subjects_offered(MIS)] == ["English", "Maths"]
    assert subjects_chosen(MIS, Scope()) == {"SM", "SE"}
    saved = Scope(frozenset({"SM"}), frozenset({"K1"}), frozenset({"K1", "K2", "K3"}))
    assert subjects_chosen(MIS, saved) == {"SM"}
    # Classes of the chosen subjects, and those with no subject at all.
    offered = classes_offered(MIS, {"SM"})
    assert [c.source_id for c in offered] == ["K1", "K3"]  # by name: 7A/Ma1, Form 7A
    assert classes_chosen(offered, saved, {"SM"}) == {"K1"}
    # A subject chosen just now brings its classes ticked.
    assert classes_chosen(classes_offered(MIS, {"SM", "SE"}), saved, {"SM", "SE"}) == {
        "K1",
        "K2",
    }


def test_a_choice_naming_what_the_mis_does_not_offer_saves_only_what_it_does() -> None:
    # A form can be edited: ids the MIS did not offer never reach the saved scope.
    scope = scope_of_choice(MIS, {"SM", "FORGED"}, {"K1", "K9"}, Scope(), stored_subjects=())
    assert scope.subjects == frozenset({"SM"})
    assert scope.classes == frozenset({"K1"})
    assert scope.known_classes == frozenset({"K1", "K2", "K3"})
