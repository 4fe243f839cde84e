"""The layers import only downwards: values (model) at the bottom, the pure engine and the store
beside each other over it, the pipeline over both. Read from the source (no import runs), so a
lazy import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "schoolsync"


def imports_of(part: str) -> Iterator[tuple[str, str]]:
    """(file, module imported) for every import in a package or module of schoolsync."""
    path = PACKAGE / part
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]
    for file in files:
        if "migrations" in file.parts:
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield file.name, alias.name
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                yield file.name, node.module
                if node.module == "schoolsync":
                    for alias in node.names:
                        yield file.name, f"schoolsync.{alias.name}"


def forbidden(part: str, layers: tuple[str, ...]) -> list[str]:
    banned = tuple(f"schoolsync.{layer}" for layer in layers)
    return sorted(
        f"{file} imports {module}"
        for file, module in imports_of(part)
        if module in banned or module.startswith(tuple(f"{b}." for b in banned))
    )


def test_model_imports_only_the_standard_library_and_itself() -> None:
    outside = sorted(
        f"{file} imports {module}"
        for file, module in imports_of("model")
        if not (module == "schoolsync.model" or module.startswith("schoolsync.model."))
        and module.split(".")[0] not in sys.stdlib_module_names
        and module != "__future__"
    )
    assert outside == []


@pytest.mark.parametrize(
    ("part", "layers"),
    [
        ("engine", ("store", "sources", "cli", "web", "pipeline", "jobs")),
        ("store", ("engine", "sources", "cli", "web", "pipeline", "jobs")),
        ("sources", ("engine", "store", "cli", "web", "exports", "pipeline")),
    ],
    ids=["engine-is-pure", "store-knows-no-engine", "sources-know-no-engine-or-store"],
)
def test_a_layer_does_not_import_the_layers_it_must_not(part: str, layers: tuple[str, ...]) -> None:
    assert forbidden(part, layers) == []
