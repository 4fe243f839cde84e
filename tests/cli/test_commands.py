"""The `schoolsync` command as a user runs it: a real process, a real sandbox over HTTP, a real
database (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from schoolsync.sandbox import Sandbox, running_sandbox
from tests.cli.conftest import TOKEN, add_school, schoolsync


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[Sandbox, str]]:
    box = Sandbox.demo(seed=3, pupils=150, token=TOKEN)
    with running_sandbox(box) as base_url:
        yield box, base_url


def test_add_sync_history_issues(env, sandbox, tmp_path) -> None:
    _box, base_url = sandbox
    key = add_school(env, base_url, "--require-email", "teacher,staff,student")
    assert key.startswith("sch_")

    first = json.loads(schoolsync(env, "sync", key, "--json").stdout)
    assert first["status"] == "issues_exist"  # most pupils have no email, and we asked for one
    assert first["counts"]["student"]["create"] > 0
    assert first["issues"] > 0

    again = json.loads(schoolsync(env, "sync", key, "--full", "--json").stdout)
    assert again["counts"] == {}

    runs = json.loads(schoolsync(env, "history", key, "--json").stdout)
    assert [r["run_id"] for r in runs] == [again["run_id"], first["run_id"]]

    output = tmp_path / "issues.csv"
    schoolsync(env, "issues", key, "--run", str(first["run_id"]), "--output", str(output))
    rows = list(csv.reader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    assert rows[0][:5] == [
        "Integration Source ID",
        "Entity Type",
        "Entity Name",
        "MIS ID",
        "Error Message",
    ]
    assert {r[4] for r in rows[1:]} == {"User is missing an email"}
    assert len(rows) - 1 == first["issues"]

    table = schoolsync(env, "history", key).stdout
    assert "Issues exist" in table


def test_token_is_never_printed_or_stored_in_clear(env, sandbox, tmp_path) -> None:
    _box, base_url = sandbox
    key = add_school(env, base_url)
    listing = schoolsync(env, "school", "list").stdout
    assert key in listing
    assert TOKEN not in listing
    db = Path(env["SCHOOLSYNC_HOME"]) / "schoolsync.db"
    if db.exists():
        assert TOKEN.encode() not in db.read_bytes()


def test_wrong_token_fails_the_run_with_a_clear_message(env, sandbox) -> None:
    _box, base_url = sandbox
    result = schoolsync(
        env,
        "school",
        "add",
        "--name",
        "X",
        "--wonde-school-id",
        "A1930499544",
        "--wonde-url",
        base_url,
        "--wonde-token",
        "nope",
    )
    key = result.stdout.split()[-1]
    failed = schoolsync(env, "sync", key, "--json", check=False)
    assert failed.returncode == 1
    body = json.loads(failed.stdout)
    assert body["status"] == "failed"
    assert "401" in body["message"]


def test_unknown_school_key(env) -> None:
    result = schoolsync(env, "sync", "sch_nothere", check=False)
    assert result.returncode == 1
    assert "No school with key 'sch_nothere'" in result.stderr


def test_bad_require_email_role_is_refused(env, sandbox) -> None:
    _box, _base_url = sandbox
    result = schoolsync(
        env, "school", "add", "--name", "X", "--require-email", "pupils", check=False
    )
    assert result.returncode == 2
    assert "pupils" in result.stderr


def test_demo_runs_on_the_embedded_default(tmp_path) -> None:
    env = {**os.environ, "SCHOOLSYNC_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    env.pop("SCHOOLSYNC_DATABASE_URL", None)
    result = schoolsync(env, "demo", "--pupils", "120", "--no-serve")
    assert "Successful" in result.stdout or "Issues exist" in result.stdout
    assert "pupils" in result.stdout
    assert (tmp_path / "home" / "schoolsync.db").exists()
    # it says where the data is kept, so a person can find (or move) it
    assert f"kept in {tmp_path / 'home' / 'schoolsync.db'}" in result.stdout
    second = schoolsync(env, "demo", "--pupils", "120", "--no-serve")
    assert "Nothing changed" in second.stdout
    # the demo entered the sandbox school's term dates: a new user sees no warning
    assert "term dates" not in result.stdout + second.stdout
    key = result.stdout.split("school key ", 1)[1].split()[0]
    terms = json.loads(schoolsync(env, "terms", key, "--json").stdout)
    assert len(terms["terms"]) == 12 and terms["message"] is None
