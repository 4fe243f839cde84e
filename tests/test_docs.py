"""The help pages and the README say what the code does, one word for one thing.

The glossary (docs/glossary.md) defines each domain word once; these tests keep it, and the
pages that use its words, in step with the values the code has.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from pathlib import Path
from typing import Any, get_args

import pytest

from schoolsync.cli import build_command
from schoolsync.model import SourceKind

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))

DOMAIN_WORDS = (
    "school",
    "pupil",
    "contact",
    "staff",
    "class",
    "group",
    "subject",
    "membership",
    "hold",
    "run",
    "issue",
    "open issue",
    "scope",
    "sync kind",
    "trigger",
    "source kind",
    "snapshot",
    "plan",
    "change",
    "dependents",
)


def _run_status_labels() -> dict[str, str]:
    """The statuses and their labels, wherever the code keeps them."""
    for module in ("schoolsync.model.run_status", "schoolsync.model.run_status"):
        try:
            labels: dict[str, str] = importlib.import_module(module).LABELS
        except ModuleNotFoundError:
            continue
        return labels
    raise AssertionError("no module has the run statuses")


def _entries(text: str) -> dict[str, str]:
    """Glossary entries: '### word' headings and the text under each."""
    parts = re.split(r"^### (.+)$", text, flags=re.MULTILINE)
    return {word.strip(): body for word, body in zip(parts[1::2], parts[2::2], strict=True)}


def _prose(text: str) -> str:
    """What a person reads as words: code blocks, code spans and link targets taken out."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def _code(text: str) -> list[str]:
    """Code blocks and code spans: what a person types or reads as a value."""
    blocks = re.findall(r"^```.*?^```", text, flags=re.MULTILINE | re.DOTALL)
    spans = re.findall(
        r"`[^`\n]+`", re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    )
    return blocks + spans


def _commands(command: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every command of the tree by its path ("school add"). Typer's Click objects are duck-typed:
    Typer may bring its own copy of Click."""
    found = [(path, command)] if path else []
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            found += _commands(sub, f"{path} {name}".strip())
    return found


def _options(command: Any) -> set[str]:
    params = {flag for p in command.params for flag in (*p.opts, *p.secondary_opts)}
    return params | {"--help"}  # Click adds it outside the params


@pytest.fixture(scope="module")
def cli() -> Any:
    return build_command()


def test_the_glossary_defines_each_domain_word_once() -> None:
    headings = re.findall(r"^### (.+)$", GLOSSARY.read_text(encoding="utf-8"), re.MULTILINE)
    twice = [word for word, n in Counter(headings).items() if n > 1]
    assert twice == []
    assert [word for word in DOMAIN_WORDS if word not in headings] == []


def test_the_glossary_gives_every_run_status_with_the_label_a_school_reads() -> None:
    run = _entries(GLOSSARY.read_text(encoding="utf-8"))["run"]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+?) \|", run, re.MULTILINE))
    assert rows == _run_status_labels()


def test_the_glossary_spells_every_source_kind_the_way_the_code_does() -> None:
    entry = _entries(GLOSSARY.read_text(encoding="utf-8"))["source kind"]
    assert set(re.findall(r"`([a-z_]+)` \(", entry)) == set(get_args(SourceKind))


@pytest.mark.parametrize("page", [*PAGES, README], ids=lambda p: p.name)
def test_people_facing_text_says_pupil_not_student(page: Path) -> None:
    prose = _prose(page.read_text(encoding="utf-8"))
    assert re.findall(r"[^\n]*\bstudents?\b[^\n]*", prose, re.IGNORECASE) == []


@pytest.mark.parametrize("page", [*PAGES, README], ids=lambda p: p.name)
def test_each_source_kind_has_one_spelling(page: Path) -> None:
    """`staff_csv`, never `staff-csv` (the help page's own file name aside)."""
    code = " ".join(_code(page.read_text(encoding="utf-8")))
    assert re.findall(r"staff-csv(?!\.md)", code) == []


def test_the_readme_names_every_command_that_takes_json(cli: Any) -> None:
    paragraph = re.search(r"^(.*?)take\s+`--json`", README.read_text(encoding="utf-8"), re.M | re.S)
    assert paragraph is not None
    named = set(re.findall(r"`([a-z -]+)`", paragraph.group(1).rsplit("\n\n", 1)[-1]))
    takes_json = {path for path, command in _commands(cli) if "--json" in _options(command)}
    assert takes_json == named


def _invocations(text: str) -> list[list[str]]:
    """The words after each `schoolsync` in the page's code, up to the end of its command."""
    lines = []
    for code in _code(text):
        lines += code.strip("`").replace("\\\n", " ").splitlines()
    found = []
    for line in lines:
        for tail in line.split("schoolsync ")[1:]:
            words = []
            for word in tail.split():
                if word in ("&", "&&", "|", "||", ";") or word.startswith(("#", ")")):
                    break
                words.append(word.rstrip(")`").strip("`"))
            found.append(words)
    return found


@pytest.mark.parametrize("page", [*PAGES, README], ids=lambda p: p.name)
def test_every_command_and_option_the_docs_give_exists(page: Path, cli: Any) -> None:
    commands = {"": cli, **dict(_commands(cli))}
    wrong = []
    for words in _invocations(page.read_text(encoding="utf-8")):
        path = ""
        for word in words:
            if f"{path} {word}".strip() in commands:
                path = f"{path} {word}".strip()
            elif word.startswith("--") and word.split("=")[0] not in _options(commands[path]):
                wrong.append(f"schoolsync {path} {word}")
        if hasattr(commands[path], "commands") and not {"--help", "--version"} & set(words):
            wrong.append(f"schoolsync {' '.join(words)}: not a command")
    assert wrong == []


def test_the_staff_csv_page_lists_the_columns_the_reader_reads() -> None:
    from schoolsync.sources.staffcsv import COLUMNS

    page = (ROOT / "docs" / "staff-csv.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` +\| (Yes|No) ", page, re.MULTILINE)
    assert rows == [(c.name, "Yes" if c.required else "No") for c in COLUMNS]
