"""Each bench rewrites only its own section of bench/results.md: the other benches' figures and
the notes written around them stay as they were."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _results_file() -> ModuleType:
    spec = importlib.util.spec_from_file_location("results_file", BENCH / "results_file.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


results_file = _results_file()

DOCUMENT = """# Figures

<!-- bench:sync -->
| sqlite | 0.90 | 2.41 |
<!-- /bench:sync -->

A note written by hand about the sync.

## Web pages

<!-- bench:web-people -->
| sqlite | People: first page | 52 |
<!-- /bench:web-people -->

A person's page is the slowest.
"""


def test_a_bench_replaces_its_own_section_and_nothing_else() -> None:
    updated = results_file.with_section(DOCUMENT, "sync", "| sqlite | 0.45 | 1.02 |\n")
    assert "| sqlite | 0.45 | 1.02 |" in updated
    assert "2.41" not in updated
    assert updated.replace("| sqlite | 0.45 | 1.02 |", "| sqlite | 0.90 | 2.41 |") == DOCUMENT


def test_a_section_not_there_yet_is_added_at_the_end_and_a_second_write_replaces_it() -> None:
    added = results_file.with_section(DOCUMENT, "startup", "| `schoolsync --help` | 0.16 |")
    assert added.startswith(DOCUMENT.rstrip())
    assert added.endswith(
        "<!-- bench:startup -->\n| `schoolsync --help` | 0.16 |\n<!-- /bench:startup -->\n"
    )
    again = results_file.with_section(added, "startup", "| `schoolsync --help` | 0.15 |")
    assert again == added.replace("0.16", "0.15")


def test_an_empty_file_gets_just_the_section() -> None:
    assert results_file.with_section("", "sync", "figures") == (
        "<!-- bench:sync -->\nfigures\n<!-- /bench:sync -->\n"
    )


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ("<!-- bench:sync -->\nold figures\n", "has no <!-- /bench:sync --> after it"),
        ("old figures\n<!-- /bench:sync -->\n", "has no <!-- bench:sync --> before it"),
        (DOCUMENT + DOCUMENT, "marked more than once"),
    ],
)
def test_broken_markers_are_refused_rather_than_guessed(document: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        results_file.with_section(document, "sync", "new figures")


def test_writing_a_section_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "results.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    results_file.write_section("web-people", "| sqlite | People: first page | 48 |", path)
    text = path.read_text(encoding="utf-8")
    assert "| sqlite | People: first page | 48 |" in text
    assert "| sqlite | 0.90 | 2.41 |" in text
    assert "A person's page is the slowest." in text
