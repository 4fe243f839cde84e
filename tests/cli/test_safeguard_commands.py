"""Each sandbox scenario triggered and approved from the command line, as the README shows."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from schoolsync.sandbox import Sandbox, running_sandbox
from tests.cli.conftest import TOKEN, add_school, schoolsync


@pytest.fixture
def sandbox() -> Iterator[tuple[Sandbox, str]]:
    box = Sandbox.demo(seed=5, pupils=160, token=TOKEN)
    with running_sandbox(box) as base_url:
        yield box, base_url


def change(env: dict[str, str], base_url: str, kind: str) -> str:
    return schoolsync(env, "sandbox", "change", kind, "--url", base_url, "--token", TOKEN).stdout


def sync_json(env: dict[str, str], key: str, *extra: str) -> dict:
    result = schoolsync(env, "sync", key, "--json", *extra, check=False)
    return json.loads(result.stdout)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("scenario", "rule"),
    [
        ("start_of_year", "class_emptied"),
        ("deleted_class", "class_gone"),
        ("deleted_subject", "subject_gone"),
        ("mass_leaver_accident", "mass_pupil_leavers"),
    ],
)
def test_scenario_is_held_then_approved(env, sandbox, scenario, rule) -> None:
    _box, base_url = sandbox
    key = add_school(env, base_url)
    assert sync_json(env, key)["status"] in ("success", "issues_exist")
    assert scenario in change(env, base_url, scenario)

    held = sync_json(env, key)
    assert held["status"] == "needs_approval"
    assert rule in {h["rule"] for h in held["holds"]}
    again = schoolsync(env, "sync", key, check=False)  # again tonight
    assert again.returncode == 3  # needs approval: a script or cron must notice
    assert "Waiting for approval" in again.stdout

    dry = json.loads(schoolsync(env, "plan", key, "--json").stdout)
    assert any(c["held"] for c in dry["changes"])
    assert rule in schoolsync(env, "holds", key).stdout

    approved = schoolsync(env, "sync", key, "--manual", "--yes", "--approved-by", "Ms Patel")
    assert "Step 3 of 3" in approved.stdout
    runs = json.loads(schoolsync(env, "history", key, "--json").stdout)
    assert runs[0]["status"] in ("success", "issues_exist")
    assert runs[0]["trigger"] == "manual"
    assert "Nothing is waiting" in schoolsync(env, "holds", key).stdout
    after = sync_json(env, key)
    assert after["status"] != "needs_approval" and after["counts"] == {}


def test_corrected_mis_recovers_without_approval(env, sandbox) -> None:
    _box, base_url = sandbox
    key = add_school(env, base_url)
    sync_json(env, key)
    change(env, base_url, "mass_leaver_accident")
    assert sync_json(env, key)["status"] == "needs_approval"
    change(env, base_url, "mis_corrected")
    recovered = sync_json(env, key)
    assert recovered["status"] in ("success", "issues_exist")
    assert "student" not in recovered["counts"]  # nobody left, nobody was re-created
    assert "Nothing is waiting" in schoolsync(env, "holds", key).stdout


def test_interactive_manual_sync_removes_a_subject(env, sandbox) -> None:
    _box, base_url = sandbox
    key = add_school(env, base_url)
    sync_json(env, key)
    # Step 1: untick subject 1; step 2: keep the classes; step 3: continue.
    result = subprocess_input(
        env, ["sync", key, "--manual", "--approved-by", "Mr Jones"], "1\n\n\ny\n"
    )
    assert "Step 1 of 3" in result and "Step 2 of 3" in result and "Step 3 of 3" in result
    runs = json.loads(schoolsync(env, "history", key, "--json").stdout)
    assert runs[0]["counts"]["subject"] == {"delete": 1}
    # the scope persists: autosync does not bring the subject back, and holds nothing
    again = sync_json(env, key)
    assert again["counts"] == {} and again["status"] != "needs_approval"


def test_dependents_appear_in_the_warning(env, sandbox) -> None:
    box, base_url = sandbox
    key = add_school(env, base_url)
    sync_json(env, key)
    school = next(iter(box.schools.values()))
    class_id, record = next(iter(school.classes.items()))
    schoolsync(
        env, "class", "dependents", key, record["mis_id"], "--count", "7", "--label", "tasks"
    )
    with school.lock:
        from schoolsync.sandbox.changes import _drop_class  # the sandbox's own deletion

        _drop_class(school, class_id, school.stamp())
    held = sync_json(env, key)
    assert any("7 tasks" in loss for h in held["holds"] for loss in h["losses"])


def test_school_settings_change_thresholds(env, sandbox) -> None:
    _box, base_url = sandbox
    key = add_school(env, base_url)
    shown = schoolsync(
        env,
        "school",
        "settings",
        key,
        "--safeguard-mode",
        "strict",
        "--pupil-leavers-pct",
        "25",
        "--alert-email",
        "head@school.org.uk",
    ).stdout
    assert "safeguard_mode: strict" in shown and "pupil_leavers_pct: 25%" in shown
    bad = schoolsync(env, "school", "settings", key, "--safeguard-mode", "lenient", check=False)
    assert bad.returncode == 2 and "partial" in bad.stderr


def subprocess_input(env: dict[str, str], args: list[str], text: str, code: int = 0) -> str:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "schoolsync", *args],
        env=env,
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == code, result.stdout + result.stderr
    return result.stdout
