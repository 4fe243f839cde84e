"""`schoolsync --help` stays quick: building the command tree imports no store, engine, server
or Rich help machinery (bench/startup.py measures the time; this keeps the cause away)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "alembic", "httpx", "uvicorn", "starlette", "fastapi", "pydantic")


def test_help_imports_nothing_heavy() -> None:
    probe = (
        "import sys\n"
        "from schoolsync.cli import build_command\n"
        "try:\n"
        "    build_command().main(['--help'], 'schoolsync', standalone_mode=False)\n"
        "finally:\n"
        "    print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    modules = set(done.stderr.split())
    packages = {name.split(".")[0] for name in modules}
    assert "Usage: schoolsync" in done.stdout
    assert "schoolsync.cli.syncing" in modules  # the whole command tree was built
    assert packages.isdisjoint(HEAVY), sorted(packages & set(HEAVY))
    assert "typer.rich_utils" not in modules
