"""Running the `schoolsync` command as a user does: a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TOKEN = "cli-token"


def schoolsync(
    env: dict[str, str], *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "schoolsync", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "SCHOOLSYNC_HOME": str(tmp_path / "home"),
        "SCHOOLSYNC_DATABASE_URL": database_url,
        "COLUMNS": "200",
    }


def add_school(env: dict[str, str], base_url: str, *extra: str) -> str:
    school_id = "A1930499544"
    result = schoolsync(
        env,
        "school",
        "add",
        "--name",
        "Larkfield Academy",
        "--wonde-school-id",
        school_id,
        "--wonde-url",
        base_url,
        "--wonde-token",
        TOKEN,
        *extra,
    )
    return result.stdout.split()[-1]
