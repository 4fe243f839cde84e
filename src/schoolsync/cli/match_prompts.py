"""`schoolsync match --interactive`: the class table and the pupils to resolve, one question at a
time, for a person at a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from schoolsync.cli.common import out

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.services.first_connection import MatchReport

_KEYS = {"m": "match", "i": "import", "n": "none"}


def ask(engine: sa.Engine, report: MatchReport) -> None:
    from schoolsync.services.first_connection import choose_classes, resolve

    chosen: dict[str, tuple[str, int | None]] = {}
    refs = {report.class_ref(i): i for i in report.existing}
    for row in report.rows:
        out.print(f"{row.mis_class.name} ({len(row.mis_class.student_ids)} pupils): {row.evidence}")
        default = {"match": "m", "import": "i", "none": "n"}[row.chosen.action]
        answer = typer.prompt("  m = Match, i = Import for the first time, n = No action", default)
        action = _KEYS.get(answer.strip().lower()[:1], row.chosen.action)
        existing = row.chosen.existing_class_id
        if action == "match":
            ref = typer.prompt(
                "  the existing class's id", report.class_ref(existing) or "", show_default=True
            )
            existing = refs.get(ref.strip(), existing)
            if existing is None:
                out.print("  no such class: left as it was")
                continue
        chosen[row.key] = (action, existing if action == "match" else None)
    choose_classes(engine, report.school_key, chosen)
    answers: dict[str, int | None] = {}
    for found in report.unresolved():
        out.print(f"{found.person.display_name} ({found.key}): {found.evidence}")
        for number, candidate in enumerate(found.candidates, 1):
            account = report.accounts[candidate.person_id]
            out.print(f"  {number}. {account['username']}: {candidate.evidence}")
        answer = typer.prompt("  number, new, or Enter to leave it", "", show_default=False)
        if answer.strip().lower() == "new":
            answers[found.key] = None
        elif answer.strip().isdigit() and 0 < int(answer) <= len(found.candidates):
            answers[found.key] = found.candidates[int(answer) - 1].person_id
    resolve(engine, report.school_key, answers)
