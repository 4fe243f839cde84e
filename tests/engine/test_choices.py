"""The manual sync's choices without a screen: the same for the CLI's prompts and the web
wizard. Pure."""

from __future__ import annotations

import pytest

from schoolsync.engine import choices
from schoolsync.engine.plan import Change
from schoolsync.engine.safeguard import Hold
from schoolsync.engine.scope import Scope
from tests.builders import school_class, snapshot, subject

MIS = snapshot(
    subject("S1", "mathematics"),
    subject("S2", "History"),
    subject("S3", "Art"),
    school_class("K1", "7A/Ma1", subject_source_id="S1"),
    school_class("K2", "7B/Ma1", subject_source_id="S1"),
    school_class("K3", "7A/Hi1", subject_source_id="S2"),
    school_class("K4", "7A/Ar1", subject_source_id="S3"),
    school_class("K5", "Form 7A"),  # a class with no subject is always offered
)
#: A school that chose Mathematics (but not 7B/Ma1) and History in an earlier manual sync.
SAVED = Scope(frozenset({"S1", "S2"}), frozenset({"K1", "K3"}), frozenset({"K1", "K2", "K3"}))


def labels(offer: choices.Offer) -> list[str]:
    return [option.label for option in offer.options]


def test_every_subject_is_offered_by_name_and_the_saved_ones_are_ticked() -> None:
    offer = choices.subjects_offered(MIS, SAVED)
    assert labels(offer) == ["Art", "History", "mathematics"]  # by name, whatever the case
    assert offer.chosen == {"S1", "S2"}
    assert choices.subjects_offered(MIS, Scope()).chosen == {"S1", "S2", "S3"}  # no scope yet


def test_classes_follow_the_chosen_subjects() -> None:
    offer = choices.classes_offered(MIS, SAVED, {"S1", "S3"})
    assert labels(offer) == ["7A/Ar1 (Art)", "7A/Ma1 (mathematics)", "7B/Ma1 (mathematics)",
                             "Form 7A (no subject)"]  # fmt: skip
    # Art was chosen just now: all its classes come; 7B/Ma1 was turned down before and stays
    # out; a class of no subject that the scope never had joins only when it is chosen.
    assert offer.chosen == {"K1", "K4"}


def test_an_offer_says_what_synced_before_and_what_the_wizard_filters_by() -> None:
    offer = choices.classes_offered(MIS, SAVED, {"S1", "S3"})
    # Art's class is ticked because Art was chosen just now; it did not sync before.
    assert offer.synced == {"K1"}
    by_id = {o.source_id: o for o in offer.options}
    art = by_id["K4"]
    assert (art.name, art.subject, art.subject_id) == ("7A/Ar1", "Art", "S3")
    assert (by_id["K5"].subject, by_id["K5"].subject_id) == ("", "")
    subjects = choices.subjects_offered(MIS, SAVED)
    assert subjects.synced == subjects.chosen == {"S1", "S2"}


def test_a_choice_naming_what_the_mis_does_not_offer_saves_only_what_it_does() -> None:
    # A web form can be edited: ids the MIS did not offer never reach the saved scope.
    chosen = choices.choice(MIS, {"S1", "FORGED"}, {"K1", "K9"})
    scope = choices.scope_for(chosen, Scope(), MIS, set())
    assert scope.subjects == frozenset({"S1"})
    assert scope.classes == frozenset({"K1"})
    assert scope.known_classes == frozenset({"K1", "K2", "K3", "K4", "K5"})


@pytest.mark.parametrize(
    ("answer", "chosen", "problems"),
    [
        pytest.param("1", {"S1", "S2", "S3"}, (), id="a number adds"),
        pytest.param("1, 2", {"S1", "S3"}, (), id="numbers toggle, spaces allowed"),
        pytest.param("3,3", {"S1", "S2"}, (), id="twice is back where it was"),
        pytest.param("9,x", {"S1", "S2"}, ("'9' is not a number from the list",
                                           "'x' is not a number from the list"), id="bad parts"),
    ],
)  # fmt: skip
def test_an_answer_toggles_the_numbers_it_names(
    answer: str, chosen: set[str], problems: tuple[str, ...]
) -> None:
    offer = choices.subjects_offered(MIS, SAVED)  # 1 Art, 2 History, 3 mathematics
    toggled = choices.toggle(offer, offer.chosen, answer)
    assert toggled.chosen == chosen and toggled.problems == problems


def test_the_saved_scope_keeps_what_is_missing_from_the_mis_today() -> None:
    today = snapshot(subject("S1", "Mathematics"), school_class("K1", subject_source_id="S1"))
    chosen = choices.choice(today, {"S1"}, {"K1"})
    saved = choices.scope_for(chosen, SAVED, today, {"S1", "S2"})
    assert saved.subjects == {"S1", "S2"}  # History is away, not turned down
    assert saved.includes_class("K3", "S2") and saved.includes_class("K1", "S1")


def hold(rule: str, key: str) -> Hold:
    change = Change(entity="class", kind="delete", key=key, name=key)
    return Hold(rule, key, f"{key} held", (change,))  # type: ignore[arg-type]


HOLDS = (hold("class_gone", "K3"), hold("class_emptied", "K1"), hold("class_emptied", "K2"))


@pytest.mark.parametrize(
    ("answer", "action", "kept"),
    [
        pytest.param("y", "apply", set(), id="yes applies everything"),
        pytest.param("", "stop", set(), id="nothing stops"),
        pytest.param("No", "stop", set(), id="no stops"),
        pytest.param("detail", "detail", set(), id="detail lists them"),
        pytest.param("1", "apply", {"K1", "K2"}, id="a number approves one hold"),
        pytest.param("class_emptied", "apply", {"K3"}, id="a rule approves its holds"),
        pytest.param("none", "apply", {"K1", "K2", "K3"}, id="none applies the rest, all held"),
        pytest.param("class_emptyed", "again", set(), id="a typo asks again"),
    ],
)
def test_what_an_approval_answer_means(answer: str, action: str, kept: set[str]) -> None:
    meant = choices.approval(answer, HOLDS)
    by_fingerprint = {h.fingerprint(): h.target for h in HOLDS}
    assert meant.action == action
    assert {by_fingerprint[f] for f in meant.keep} == kept
    if action == "again":
        assert meant.message and "class_emptyed" in meant.message


def test_without_holds_only_yes_or_no_means_anything() -> None:
    assert choices.approval("detail", ()).action == "again"
    assert choices.approval("yes", ()).action == "apply"
