"""The approval email at a real school's scale: one line per rule, not one per class."""

from __future__ import annotations

from schoolsync.alerts import compose_held
from schoolsync.model.holds import Hold


def test_many_emptied_classes_are_one_line_of_the_email() -> None:
    holds = [
        Hold(
            "class_emptied",
            f"7{n}/Ma1",
            f"Class '7{n}/Ma1' had 20 pupils and now has none in your MIS.",
            (),
            ("20 pupils from the class",),
        )
        for n in range(328)
    ]
    gone = Hold(
        "class_gone", "8B/Hi1", "Class '8B/Hi1' is no longer in your MIS.", (), ("5 tasks",)
    )
    body = compose_held("Larkfield", "sch_1", [*holds, gone], applied=12).body
    assert body.count("now has none in your MIS") == 0
    assert "1. 328 classes had pupils and now have none" in body
    assert "2. Class '8B/Hi1' is no longer in your MIS." in body
    assert "If you approve this, it will remove: 5 tasks." in body
    assert "schoolsync holds sch_1 --detail" in body
    assert len(body.splitlines()) < 30
