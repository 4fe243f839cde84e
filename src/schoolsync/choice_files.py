"""A person's first-connection choices from CSV files. Pure: text in, values or one error
naming every bad line out (nothing is saved from a file with errors).

- choices.csv: `mis_class_id,action,existing_class_id` (action: match, import or none, or the
  labels "Match", "Import for the first time", "No action"; existing_class_id is the product's
  class id, needed for match);
- resolve.csv: `mis_id,username_or_new` (an existing account's username, or `new`).

The ids are checked against what the MIS and the store hold, passed in as mappings.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from schoolsync.errors import BadInput, FileFormatError
from schoolsync.sources.files.csv import Column, read_csv_table
from schoolsync.sources.files.text import decode_text

_ACTIONS = {
    "match": "match",
    "import": "import",
    "importforthefirsttime": "import",
    "none": "none",
    "noaction": "none",
}


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


def read_choices(
    name: str, data: bytes, mis_classes: Collection[str], existing_classes: Mapping[str, int]
) -> dict[str, tuple[str, int | None]]:
    """MIS class id -> (action, existing class row id). `existing_classes` maps the product's
    class ids to their rows."""
    columns = (
        Column("mis_class_id", required=True),
        Column("action", required=True),
        Column("existing_class_id"),
    )
    table = read_csv_table(decode_text(data, name), name, columns)
    problems: list[str] = []
    chosen: dict[str, tuple[str, int | None]] = {}
    for row in table.rows:
        where = f"{name}, line {row.line}"
        mis_id, action = row.get("mis_class_id"), _ACTIONS.get(_key(row.get("action")))
        existing = row.get("existing_class_id")
        if mis_id not in mis_classes:
            problems.append(f"{where}: mis_class_id {mis_id!r} is not a class in the MIS")
        elif action is None:
            problems.append(f"{where}: action {row.get('action')!r} is not match, import or none")
        elif action == "match" and existing not in existing_classes:
            problems.append(
                f"{where}: existing_class_id {existing!r} is not an unlinked class here "
                "(match needs one)"
            )
        else:
            chosen[mis_id] = (action, existing_classes[existing] if action == "match" else None)
    _refuse(problems)
    return chosen


def read_resolutions(
    name: str, data: bytes, mis_people: Collection[str], accounts: Mapping[str, int]
) -> dict[str, int | None]:
    """MIS id -> existing account id, or None for a new account. `accounts` maps usernames
    (lower case) of unlinked accounts to their ids."""
    columns = (Column("mis_id", required=True), Column("username_or_new", required=True))
    table = read_csv_table(decode_text(data, name), name, columns)
    problems: list[str] = []
    answers: dict[str, int | None] = {}
    for row in table.rows:
        where = f"{name}, line {row.line}"
        mis_id, answer = row.get("mis_id"), row.get("username_or_new")
        if mis_id not in mis_people:
            problems.append(f"{where}: mis_id {mis_id!r} is not a person in the MIS")
        elif answer.casefold() == "new":
            answers[mis_id] = None
        elif answer.casefold() in accounts:
            answers[mis_id] = accounts[answer.casefold()]
        else:
            problems.append(
                f"{where}: username {answer!r} is not an unlinked account here (or write new)"
            )
    _refuse(problems)
    return answers


def _refuse(problems: list[str]) -> None:
    if problems:
        raise BadInput(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was saved:\n"
            + "\n".join(problems)
        )


__all__ = ["FileFormatError", "read_choices", "read_resolutions"]
