"""Importing files from the command line, as the README shows: a CTF, a OneRoster zip, a staff
list; then connecting the same school to Wonde without duplicates; and the OneRoster round
trip."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from schoolsync.sandbox import Sandbox, running_sandbox
from tests.cli.conftest import TOKEN, add_school, schoolsync
from tests.conftest import SHARED

CASES = Path(__file__).resolve().parents[1] / "cases"
EXAMPLE_CTF = SHARED / "specs" / "example-ctf.xml"


@pytest.fixture
def sandbox() -> Iterator[tuple[Sandbox, str]]:
    box = Sandbox.demo(seed=8, pupils=200, token=TOKEN)
    with running_sandbox(box) as base_url:
        yield box, base_url


def new_school(env: dict[str, str]) -> str:
    return schoolsync(env, "school", "add", "--name", "Larkfield Primary").stdout.split()[-1]


def import_json(env: dict[str, str], key: str, path: Path, *extra: str) -> dict:
    result = schoolsync(env, "import", key, str(path), "--json", *extra, check=False)
    return json.loads(result.stdout)


def test_example_ctf_then_history_and_issues(env) -> None:
    # Fails rather than skips: CI checks out shared/ beside the project, so a missing file is a
    # broken checkout, not a reason to pass.
    assert EXAMPLE_CTF.exists(), f"{EXAMPLE_CTF} is missing: shared/ comes beside the checkout"
    key = new_school(env)
    result = import_json(env, key, EXAMPLE_CTF)
    assert (result["status"], result["format"]) == ("success", "ctf")
    assert result["counts"]["student"] == {"create": 1}
    assert result["counts"]["contact"] == {"create": 1}
    runs = json.loads(schoolsync(env, "history", key, "--json").stdout)
    assert (runs[0]["trigger"], runs[0]["source"], runs[0]["mode"]) == ("file", "ctf", "file")
    rows = list(csv.reader(io.StringIO(schoolsync(env, "issues", key).stdout)))
    assert rows[0][0] == "Integration Source ID" and len(rows) == 1
    again = import_json(env, key, EXAMPLE_CTF)
    assert again["counts"] == {}  # importing the same file twice changes nothing


def test_oneroster_zip(env, tmp_path) -> None:
    package = tmp_path / "oneroster.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for path in sorted((CASES / "oneroster" / "v1p2-bulk").iterdir()):
            archive.write(path, path.name)
    key = new_school(env)
    result = import_json(env, key, package)
    assert result["format"] == "oneroster"
    assert result["status"] in ("success", "issues_exist")
    assert result["counts"]["student"]["create"] > 0
    assert result["counts"]["class_membership"]["add"] > 0


def test_bad_file_fails_naming_it_and_changes_nothing(env, tmp_path) -> None:
    key = new_school(env)
    broken = tmp_path / "broken.xml"
    broken.write_text("<CTfile><Header></Header><CTFpupilData><Pupil><UPN>A1</UPN>")
    result = schoolsync(env, "import", key, str(broken), "--json", check=False)
    assert result.returncode == 1
    body = json.loads(result.stdout)
    assert body["status"] == "failed" and "broken.xml" in body["message"]
    summary = schoolsync(env, "history", key).stdout
    assert "Failed" in summary


def test_ctf_then_wonde_gives_no_duplicates(env, sandbox, tmp_path) -> None:
    _box, base_url = sandbox
    ctf = tmp_path / "school.xml"
    schoolsync(env, "sandbox", "ctf", "--output", str(ctf), "--seed", "8", "--pupils", "200")
    key = new_school(env)
    imported = import_json(env, key, ctf)
    pupils = imported["counts"]["student"]["create"]
    assert pupils == 200
    schoolsync(
        env,
        "school",
        "connect",
        key,
        "--wonde-school-id",
        "A1930499544",
        "--wonde-url",
        base_url,
        "--wonde-token",
        TOKEN,
    )
    synced = json.loads(schoolsync(env, "sync", key, "--json").stdout)
    assert "create" not in synced["counts"].get("student", {})
    assert "create" not in synced["counts"].get("contact", {})
    assert synced["counts"]["student"]["update"] > 0  # the same pupils, now linked to Wonde


def test_staff_csv_when_the_staff_import_is_off(env, sandbox) -> None:
    _box, base_url = sandbox
    key = add_school(env, base_url)
    schoolsync(env, "school", "settings", key, "--no-import-staff", "--no-import-teachers")
    synced = json.loads(schoolsync(env, "sync", key, "--json").stdout)
    assert "teacher" not in synced["counts"] and "staff" not in synced["counts"]
    result = import_json(env, key, CASES / "staffcsv" / "staff-excel.csv")
    assert result["format"] == "staff_csv"
    assert sum(result["counts"].get("teacher", {}).values()) > 0
    again = json.loads(schoolsync(env, "sync", key, "--json", "--full").stdout)
    assert "teacher" not in again["counts"]  # the MIS no longer overwrites the list


def test_a_format_has_one_spelling_and_the_old_one_is_still_understood(env) -> None:
    key = new_school(env)
    staff = CASES / "staffcsv" / "staff-excel.csv"
    result = import_json(env, key, staff, "--format", "staff-csv")  # the spelling of old
    assert result["status"] != "failed", result
    assert result["format"] == "staff_csv"
    history = json.loads(schoolsync(env, "history", key, "--json").stdout)
    assert [run["source"] for run in history] == ["staff_csv"]
    refused = schoolsync(env, "import", key, str(staff), "--format", "xlsx", check=False)
    assert refused.returncode != 0
    assert "choose ctf, oneroster or staff_csv" in refused.stderr + refused.stdout


def test_oneroster_round_trip(env, sandbox, tmp_path) -> None:
    _box, base_url = sandbox
    source = add_school(env, base_url)
    schoolsync(env, "sync", source)
    exported = tmp_path / "export"
    schoolsync(env, "export", source, "--format", "oneroster", "--output", str(exported))
    copy = new_school(env)
    result = import_json(env, copy, exported)
    assert result["status"] in ("success", "issues_exist"), result

    def roster(key: str) -> dict[str, set[tuple[str, ...]]]:
        out = tmp_path / f"check-{key}"
        shutil.rmtree(out, ignore_errors=True)
        schoolsync(env, "export", key, "--format", "oneroster", "--output", str(out))
        tables = {}
        for name in ("users", "classes", "enrollments", "roles"):
            with (out / f"{name}.csv").open(encoding="utf-8") as handle:
                tables[name] = list(csv.DictReader(handle))
        ids = {u["sourcedId"]: u["identifier"] for u in tables["users"]}
        titles = {c["sourcedId"]: c["title"] for c in tables["classes"]}
        return {
            "people": {
                (u["givenName"], u["familyName"], u["identifier"], u["email"])
                for u in tables["users"]
            },
            "roles": {(ids[r["userSourcedId"]], r["role"]) for r in tables["roles"]},
            "classes": {(c["title"], c["classType"]) for c in tables["classes"]},
            "members": {
                (titles[e["classSourcedId"]], ids[e["userSourcedId"]], e["role"])
                for e in tables["enrollments"]
            },
        }

    original, round_tripped = roster(source), roster(copy)
    for part in ("people", "roles", "classes", "members"):
        assert round_tripped[part] == original[part], part
