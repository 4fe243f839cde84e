"""The store is found from any folder and from cron, and the CLI says where it is (issue 15)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc").exists(), reason="XDG_DATA_HOME is Linux's convention"
)


def run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "schoolsync", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SCHOOLSYNC_HOME", "SCHOOLSYNC_DATABASE_URL", "SCHOOLSYNC_SECRET_KEY")
    }
    return {**env, "XDG_DATA_HOME": str(tmp_path / "xdg"), "COLUMNS": "300"}


def test_a_school_added_in_one_folder_is_there_from_another(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    run(user_env, here, "school", "add", "--name", "Larkfield Primary")
    listed = run(user_env, there, "school", "list")
    assert "Larkfield Primary" in listed.stdout
    assert (tmp_path / "xdg" / "schoolsync" / "schoolsync.db").exists()
    assert not (here / ".schoolsync").exists() and not (there / ".schoolsync").exists()


def test_help_says_where_the_data_is(tmp_path: Path, user_env: dict[str, str]) -> None:
    shown = run(user_env, tmp_path, "--help").stdout
    assert str(tmp_path / "xdg" / "schoolsync") in shown
    assert "SCHOOLSYNC_HOME" in shown
    moved = run({**user_env, "SCHOOLSYNC_HOME": str(tmp_path / "moved")}, tmp_path, "--help")
    assert str(tmp_path / "moved") in moved.stdout


def test_an_old_store_in_the_working_directory_is_pointed_out(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    old = tmp_path / "project" / ".schoolsync"
    run({**user_env, "SCHOOLSYNC_HOME": str(old)}, tmp_path, "school", "add", "--name", "Old")
    listed = run(user_env, tmp_path / "project", "school", "list")
    assert f"SCHOOLSYNC_HOME={old}" in listed.stderr.replace("\n", "")
    assert str(tmp_path / "xdg" / "schoolsync") in listed.stderr.replace("\n", "")
    moved = run({**user_env, "SCHOOLSYNC_HOME": str(old)}, tmp_path / "project", "school", "list")
    assert "Old" in moved.stdout and "older schoolsync" not in moved.stderr
