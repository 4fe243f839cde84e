"""A run whose only issues are warnings shows as successful *with warnings*, in the JSON, the
history table and the API, never as plain "Successful" (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from schoolsync.model.run_status import LABELS, SUCCESS_WITH_WARNINGS
from tests.cli.conftest import schoolsync
from tests.conftest import SHARED

SETS = SHARED / "cases" / "oneroster"


def import_json(env: dict[str, str], package: Path) -> dict:
    key = schoolsync(env, "school", "add", "--name", "Larkfield Primary").stdout.split()[-1]
    result = schoolsync(env, "import", key, str(package), "--json", check=False)
    return {**json.loads(result.stdout), "key": key}


def with_enrollment_of_a_missing_class(folder: Path) -> Path:
    """OAT's set, plus an enrollment in a class the package does not have: a dropped row."""
    package = shutil.copytree(SETS / "oat-sa-oneroster-import-v1p1", folder)
    with (package / "enrollments.csv").open("a", encoding="utf-8") as handle:
        handle.write("enrol4,class9,12345,user1,student,active,,\n")
    return package


def test_warnings_that_dropped_rows_are_not_plain_success(env, tmp_path) -> None:
    result = import_json(env, with_enrollment_of_a_missing_class(tmp_path / "set"))
    assert result["issues"] == 1
    assert result["status"] == "success_with_warnings"
    table = schoolsync(env, "history", result["key"]).stdout
    assert "Successful, with warnings" in table
    shown = schoolsync(env, "import", result["key"], str(tmp_path / "set"))
    assert "Successful, with warnings" in shown.stdout


def test_a_run_without_issues_is_plain_success(env) -> None:
    result = import_json(env, SETS / "oat-sa-oneroster-import-v1p1")
    assert (result["status"], result["issues"]) == ("success", 0)
    assert "Successful" in schoolsync(env, "history", result["key"]).stdout


def test_the_label_is_plain_english() -> None:
    assert LABELS[SUCCESS_WITH_WARNINGS] == "Successful, with warnings"
    assert len(set(LABELS.values())) == len(LABELS)  # every status reads differently


@pytest.fixture(autouse=True)
def _shared_cases() -> None:
    assert SETS.is_dir(), f"{SETS} is missing: shared/ cases come beside the checkout"
