"""Messages that must not leave a person stuck: each says what is wrong and what to do."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from schoolsync.cli.sandbox import CHANGE_KINDS
from schoolsync.sandbox import CHANGE_KINDS as SANDBOX_KINDS
from schoolsync.sandbox import Sandbox, running_sandbox
from tests.cli.conftest import TOKEN, add_school, schoolsync


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    box = Sandbox.demo(seed=3, pupils=120, token=TOKEN)
    with running_sandbox(box) as base_url:
        yield base_url


def files_school(env: dict[str, str]) -> str:
    return schoolsync(env, "school", "add", "--name", "Larkfield Primary").stdout.split()[-1]


def test_an_unknown_required_role_lists_the_valid_ones(env) -> None:
    key = files_school(env)
    for command in (["school", "add", "--name", "X"], ["school", "settings", key]):
        result = schoolsync(env, *command, "--require-email", "pupils", check=False)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert "pupils" in result.stderr
        assert "pupil, teacher, staff" in result.stderr.replace("\n", " ")


def test_an_unreachable_wonde_is_named(env) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    key = add_school(env, f"http://127.0.0.1:{port}/v1.0/")
    env = {**env, "SCHOOLSYNC_WONDE_MAX_ATTEMPTS": "1"}
    result = schoolsync(env, "sync", key, "--json", check=False)
    assert result.returncode == 1
    assert f"could not connect to http://127.0.0.1:{port}" in json.loads(result.stdout)["message"]


def test_sandbox_serve_on_a_port_in_use(env) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = schoolsync(env, "sandbox", "serve", "--port", str(port), check=False)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port chooses another" in result.stderr.replace("\n", " ")


def test_sandbox_change_kinds_are_all_listed_and_checked(env, sandbox) -> None:
    assert CHANGE_KINDS == SANDBOX_KINDS
    shown = schoolsync(env, "sandbox", "change", "--help").stdout
    for kind in ("start_of_year", "mass_leaver_accident", "mis_corrected", *SANDBOX_KINDS):
        assert kind in shown.replace("\n", " ")
    result = schoolsync(
        env, "sandbox", "change", "graduation", "--url", sandbox, "--token", TOKEN, check=False
    )
    assert result.returncode == 2
    assert "unknown change kind 'graduation'" in result.stderr
    assert "{" not in result.stderr  # the sandbox's raw JSON is never shown


def test_a_forced_format_that_fails_never_says_imported(env, tmp_path: Path) -> None:
    key = files_school(env)
    junk = tmp_path / "pupils.xml"
    junk.write_text("Forename,Surname\nAmy,Ng\n", encoding="utf-8")
    result = schoolsync(env, "import", key, str(junk), "--format", "ctf", check=False)
    assert result.returncode == 1
    assert "Imported" not in result.stdout
    assert "Could not import pupils.xml as ctf." in result.stdout


def test_an_undetectable_file_is_in_the_history_with_its_reason(env, tmp_path: Path) -> None:
    key = files_school(env)
    junk = tmp_path / "notes.txt"
    junk.write_text("these are not pupils\n", encoding="utf-8")
    result = schoolsync(env, "import", key, str(junk), "--json", check=False)
    assert result.returncode == 1
    assert json.loads(result.stdout)["format"] == "unknown"
    [run] = json.loads(schoolsync(env, "history", key, "--json").stdout)
    assert run["status"] == "failed"
    assert run["trigger"] == "file"
    assert run["message"].startswith("notes.txt: is not in a format schoolsync reads")


def test_an_incremental_plan_says_an(env, sandbox) -> None:
    key = add_school(env, sandbox)
    schoolsync(env, "sync", key, "--json", check=False)
    planned = schoolsync(env, "plan", key).stdout
    assert planned.startswith("An incremental sync would make")


def test_a_run_that_leaves_out_every_teacher_says_so(env, sandbox) -> None:
    # this sandbox school's staff have @stambrosercprimaryschool.example.org emails
    key = add_school(env, sandbox, "--email-domain", "larkfield.sch.uk")
    shown = schoolsync(env, "sync", key).stdout.replace("\n", " ")
    assert "No teachers are synced: all " in shown
    assert "(most often: Email doesn't match invite settings)" in shown
    again = json.loads(schoolsync(env, "sync", key, "--full", "--json").stdout)
    assert again["roles_left_out"]["teacher"] > 0
    assert "student" not in again["roles_left_out"]  # pupils need no email by default


def test_a_run_that_syncs_some_of_every_role_says_nothing_of_the_kind(env, sandbox) -> None:
    key = add_school(env, sandbox, "--email-domain", "stambrosercprimaryschool.example.org")
    result = json.loads(schoolsync(env, "sync", key, "--json").stdout)
    assert result["roles_left_out"] == {}
    assert "No teachers" not in schoolsync(env, "sync", key).stdout


def test_pupil_is_the_role_people_name_and_read(env) -> None:
    added = schoolsync(env, "school", "add", "--name", "X", "--require-email", "pupil,teacher")
    key = added.stdout.split()[-1]
    shown = schoolsync(env, "school", "settings", key).stdout
    assert "require_email: pupil, teacher" in shown and "student" not in shown
    as_json = json.loads(schoolsync(env, "school", "settings", key, "--json").stdout)
    assert as_json["require_email"] == ["student", "teacher"]  # scripts keep the stored value


def test_a_bad_setting_before_a_manual_sync_is_named_not_a_traceback(env) -> None:
    broken = {**env, "USER": "mpatel", "SCHOOLSYNC_SECRET_KEY": "not-a-key"}
    result = schoolsync(broken, "sync", "sch_any", "--manual", check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "SCHOOLSYNC_SECRET_KEY must be a Fernet key" in result.stderr
