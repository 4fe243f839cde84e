"""What a script relies on: exit codes by outcome, JSON only on stdout, errors as JSON on
stderr, `--version`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from schoolsync import __version__
from schoolsync.cli.exit_codes import ExitCode
from schoolsync.sandbox import Sandbox, running_sandbox
from tests.cli.conftest import TOKEN, add_school, schoolsync


@pytest.fixture
def sandbox() -> Iterator[str]:
    box = Sandbox.demo(seed=5, pupils=120, token=TOKEN)
    with running_sandbox(box) as base_url:
        yield base_url


def test_version(env) -> None:
    result = schoolsync(env, "--version")
    assert result.stdout.strip() == f"schoolsync {__version__}"


def test_a_held_run_exits_3_and_approving_it_prints_only_json(env, sandbox) -> None:
    key = add_school(env, sandbox)
    assert schoolsync(env, "sync", key, "--json").returncode == ExitCode.OK
    schoolsync(env, "sandbox", "change", "deleted_class", "--url", sandbox, "--token", TOKEN)

    held = schoolsync(env, "sync", key, "--json", check=False)
    assert held.returncode == ExitCode.NEEDS_APPROVAL == 3
    assert json.loads(held.stdout)["status"] == "needs_approval"

    approved = schoolsync(
        env, "sync", key, "--manual", "--yes", "--json", "--approved-by", "Ms Patel"
    )
    body = json.loads(approved.stdout)  # nothing but the one JSON object
    assert body["status"] in ("success", "issues_exist")
    assert "Step 3 of 3" in approved.stderr  # the wizard still shows a person what it did


def test_errors_in_json_mode_are_json_on_stderr(env) -> None:
    result = schoolsync(env, "sync", "sch_nothere", "--json", check=False)
    assert result.returncode == ExitCode.FAILED
    assert result.stdout == ""
    error = json.loads(result.stderr)
    assert "No school with key 'sch_nothere'" in error["error"]
    assert error["exit_code"] == 1

    usage = schoolsync(env, "sync", "sch_nothere", "--yes", "--json", check=False)
    assert usage.returncode == ExitCode.USAGE
    assert json.loads(usage.stderr)["error"] == "--yes goes with --manual"


def test_usage_errors_in_json_mode_are_json_on_stderr(env) -> None:
    missing = schoolsync(env, "sync", "--json", check=False)
    assert missing.returncode == ExitCode.USAGE
    assert missing.stdout == ""
    assert json.loads(missing.stderr) == {"error": "Missing argument 'SCHOOL'.", "exit_code": 2}
    wrong = schoolsync(env, "history", "sch_x", "--json", "--newest", check=False)
    assert wrong.returncode == ExitCode.USAGE
    assert "--newest" in json.loads(wrong.stderr)["error"]


def test_school_list_and_settings_as_json(env, sandbox) -> None:
    key = add_school(env, sandbox)
    [school] = json.loads(schoolsync(env, "school", "list", "--json").stdout)
    assert school["key"] == key
    assert school["name"] == "Larkfield Academy"
    assert school["last_full_sync_at"] is None

    settings = json.loads(
        schoolsync(env, "school", "settings", key, "--pupil-leavers-pct", "25", "--json").stdout
    )
    assert settings["pupil_leavers_pct"] == 25.0
    assert settings["safeguard_mode"] == "partial"


def test_the_readme_lists_every_exit_code() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes and scripts", 1)[1].split("\n## ", 1)[0]
    listed = {int(m) for m in re.findall(r"^\| (\d+) \|", section, flags=re.MULTILINE)}
    assert listed == {int(code) for code in ExitCode}
