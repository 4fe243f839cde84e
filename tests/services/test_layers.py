"""The CLI and the web app (pages and REST API) are thin over the services: none opens a store,
runs a query, wires a reader nor reads the environment itself; web/ does not even import the
store or SQLAlchemy (it holds the store as `services.handle.Store`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "schoolsync"
THIN = sorted([*(SRC / "cli").glob("*.py"), SRC / "web" / "api.py", SRC / "web" / "sync_jobs.py"])

#: What only the services (and what they call) may import.
BELOW = ("schoolsync.sources", "schoolsync.pipeline", "schoolsync.store")
#: Opening a transaction or building an engine.
CALLS = {"begin", "connect", "make_engine", "ensure_schema", "sync_school", "plan_school"}


def imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def type_only(tree: ast.Module) -> set[str]:
    """Imports under `if TYPE_CHECKING:`: names for annotations, no calls."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for inner in node.body:
                found |= imports(inner)
    return found


@pytest.mark.parametrize("path", THIN, ids=lambda p: str(p.relative_to(SRC)))
def test_the_cli_and_the_api_call_services_not_the_store(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reached = {m for m in imports(tree) - type_only(tree) if m.startswith(BELOW)}
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert not reached, f"{path.name} imports {sorted(reached)}"
    assert not calls & CALLS, f"{path.name} calls {sorted(calls & CALLS)}"


WEB = sorted((SRC / "web").glob("*.py"))
#: What the web app never reaches, not even for an annotation: it holds the store as the opaque
#: `services.handle.Store` and asks the services for everything.
NEVER_IN_WEB = ("sqlalchemy", "schoolsync.store")


@pytest.mark.parametrize("path", WEB, ids=lambda p: str(p.relative_to(SRC)))
def test_the_web_app_calls_services_not_the_store(path: Path) -> None:
    """No exception, web/app.py included: the app is handed its store and reader when built."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reached = {m for m in imports(tree) if m.startswith(NEVER_IN_WEB)}
    below = {m for m in imports(tree) - type_only(tree) if m.startswith(BELOW)}
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert not reached, f"{path.name} imports {sorted(reached)}"
    assert not below, f"{path.name} imports {sorted(below)}"
    assert not calls & CALLS, f"{path.name} calls {sorted(calls & CALLS)}"
