"""Holds grouped by rule into one line each, and a person's choice among them. Pure."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from schoolsync.engine.hold_groups import group_holds, parse_answer, select, summary_lines


@dataclass(frozen=True)
class FakeHold:
    rule: str
    target: str
    message: str = "held"


EMPTIED = [FakeHold("class_emptied", f"7{c}/Ma{n}") for c in "ABCD" for n in range(1, 83)]
GONE = FakeHold("class_gone", "8B/Hi1", "Class '8B/Hi1' is no longer in your MIS.")


def test_328_emptied_classes_are_one_line() -> None:
    lines = summary_lines([*EMPTIED, GONE])
    assert len(EMPTIED) == 328
    assert lines == [
        "328 classes had pupils and now have none (common at the start of a school year): "
        "'7A/Ma1', '7A/Ma2', '7A/Ma3' and 325 more.",
        "Class '8B/Hi1' is no longer in your MIS.",  # a group of one keeps its own message
    ]
    [emptied, gone] = group_holds([*EMPTIED, GONE])
    assert (emptied.rule, len(emptied.holds), gone.holds) == ("class_emptied", 328, (GONE,))


@pytest.mark.parametrize(
    ("answer", "chosen", "left"),
    [
        ("", 329, 0),
        ("all", 329, 0),
        ("none", 0, 329),
        ("2", 1, 328),
        ("1, 329", 2, 327),
        ("class_gone", 1, 328),
        ("class_emptied,329", 329, 0),
    ],
)
def test_a_choice_picks_holds_by_number_or_rule(answer: str, chosen: int, left: int) -> None:
    picked = parse_answer(answer, [*EMPTIED, GONE])
    assert (len(picked.chosen), len(picked.left)) == (chosen, left)


def test_a_choice_that_matches_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no hold number 400; nothing is held by rule 'typo'"):
        select([*EMPTIED, GONE], [400], ["typo"])
