"""`schoolsync school settings KEY`: every setting listed with its value, what it does and the
option that changes it; a bad value is named and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields

import pytest
import sqlalchemy as sa

from schoolsync.cli import build_command
from schoolsync.sandbox import Sandbox, running_sandbox
from schoolsync.school_settings import SchoolSettings
from schoolsync.settings_table import SETTINGS
from schoolsync.store.tables import people
from tests.cli.conftest import TOKEN, add_school, schoolsync

#: Settings a person does not set directly: the scope is chosen in a manual sync.
NOT_LISTED = {"scope_subjects", "scope_classes", "scope_known_classes", "extra"}


def test_every_setting_has_an_explanation_and_an_option_of_the_command() -> None:
    assert {s.name for s in SETTINGS} == {f.name for f in fields(SchoolSettings)} - NOT_LISTED
    command = build_command().commands["school"].commands["settings"]
    names = {name for param in command.params for name in (*param.opts, *param.secondary_opts)}
    for setting in SETTINGS:
        assert setting.explanation.endswith((".", ")")), setting.name
        for option in setting.option.split("/"):
            assert option in names, f"{setting.name}: {option} is not an option"


def test_a_new_user_finds_every_setting_with_its_explanation(env) -> None:
    key = schoolsync(env, "school", "add", "--name", "X").stdout.split()[-1]
    shown = schoolsync(env, "school", "settings", key).stdout
    for setting in SETTINGS:
        assert f"{setting.name}: " in shown
        assert setting.explanation[:40] in shown.replace("\n      ", " ")
    assert "sync_contacts: on" in shown and "sen_missing_means_none: off" in shown
    listed = json.loads(schoolsync(env, "school", "settings", key, "--json").stdout)
    assert [s["name"] for s in listed["settings"]] == [s.name for s in SETTINGS]
    assert listed["sync_contacts"] is True


def test_term_dates_that_are_not_text_are_named_and_nothing_is_saved(env, tmp_path) -> None:
    """A spreadsheet saved as .csv by mistake: a clear error, exit 1 (a bad file, as `import`
    exits for one), no traceback."""
    key = schoolsync(env, "school", "add", "--name", "X").stdout.split()[-1]
    spreadsheet = tmp_path / "terms.csv"
    spreadsheet.write_bytes(b"PK\x03\x04\x00\x00\xff\xfe binary")
    refused = schoolsync(env, "terms", key, "--file", str(spreadsheet), check=False)
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    assert "terms.csv: contains NUL characters" in refused.stderr
    assert "save the term dates as CSV" in refused.stderr
    assert json.loads(schoolsync(env, "terms", key, "--json").stdout)["terms"] == []
    excel = tmp_path / "excel.csv"  # Excel's plain "CSV (Comma delimited)": Windows-1252
    terms = [
        ("autumn1", "2026-09-03", "2026-10-23"), ("autumn2", "2026-11-02", "2026-12-18"),
        ("spring1", "2027-01-05", "2027-02-12"), ("spring2", "2027-02-22", "2027-03-26"),
        ("summer1", "2027-04-12", "2027-05-28"), ("summer2", "2027-06-07", "2027-07-21"),
    ]  # fmt: skip
    lines = ["academic_year,term,start,end", *(f"2026/27,{t},{a},{b}" for t, a, b in terms)]
    excel.write_bytes("\r\n".join(lines).encode("cp1252"))
    assert "Saved 6 term dates" in schoolsync(env, "terms", key, "--file", str(excel)).stdout


def test_options_change_settings_and_a_bad_value_changes_nothing(env) -> None:
    key = schoolsync(env, "school", "add", "--name", "X").stdout.split()[-1]
    changed = json.loads(
        schoolsync(
            env, "school", "settings", key, "--no-sync-contacts", "--no-import-teachers",
            "--custom-sen-code", "MP=K", "--custom-sen-code", "ehc=e", "--json",
        ).stdout
    )  # fmt: skip
    assert changed["sync_contacts"] is False and changed["import_teachers"] is False
    assert changed["custom_sen_codes"] == {"MP": "K", "EHC": "E"}
    bad = schoolsync(
        env, "school", "settings", key, "--sync-photos", "--no-sync-contacts",
        "--custom-sen-code", "MP=Q", check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "Custom SEN code MP must map to an official provision: N, K or E" in bad.stderr
    removed = json.loads(
        schoolsync(env, "school", "settings", key, "--custom-sen-code", "MP=", "--json").stdout
    )
    assert removed["custom_sen_codes"] == {"EHC": "E"}  # and the bad run changed nothing


@pytest.mark.parametrize(
    ("value", "problem"),
    [(["K=E"], "official SEN code already"), (["MP"], "must be written CODE=K")],
)
def test_custom_sen_codes_are_checked(value: list[str], problem: str) -> None:
    from schoolsync.errors import ConfigError
    from schoolsync.settings_table import parse_sen_codes

    with pytest.raises(ConfigError, match=problem):
        parse_sen_codes(value)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    box = Sandbox.demo(seed=3, pupils=60, token=TOKEN)
    with running_sandbox(box) as base_url:
        yield base_url


def test_exclude_excluded_and_archive_commands(env, sandbox, engine: sa.Engine) -> None:
    key = add_school(env, sandbox)
    schoolsync(env, "sync", key)
    with engine.connect() as conn:
        upn = conn.execute(
            sa.select(people.c.upn).where(people.c.upn.is_not(None)).limit(1)
        ).scalar_one()
    shown = schoolsync(env, "exclude", key, upn, "--by", "Ms Patel").stdout
    assert "is excluded" in shown and shown.startswith("Pupil ")
    [listed] = json.loads(schoolsync(env, "excluded", key, "--json").stdout)
    assert listed["upn"] == upn and listed["excluded_by"] == "Ms Patel"
    shown = schoolsync(env, "excluded", key).stdout
    assert "Ms Patel" in shown and "When (UTC)" in shown  # not a bare time of unknown zone
    unknown = schoolsync(env, "exclude", key, "NOPE123", "--by", "Ms Patel", check=False)
    assert unknown.returncode == 1 and "NOPE123" in unknown.stderr
    schoolsync(env, "exclude", key, upn, "--undo")
    assert json.loads(schoolsync(env, "excluded", key, "--json").stdout) == []
    # Cron and some containers set $LOGNAME only; with neither, a mistyped key is named first.
    nobody = {k: v for k, v in env.items() if k not in ("USER", "LOGNAME")}
    schoolsync({**nobody, "LOGNAME": "cron-ops"}, "exclude", key, upn)
    [listed] = json.loads(schoolsync(env, "excluded", key, "--json").stdout)
    assert listed["excluded_by"] == "cron-ops"
    mistyped = schoolsync(nobody, "exclude", "no-such-school", upn, check=False)
    assert mistyped.returncode == 1 and "no-such-school" in mistyped.stderr
    assert "--by" not in mistyped.stderr
    asked = schoolsync(nobody, "exclude", key, upn, check=False)
    assert asked.returncode == 2 and "pass --by NAME" in asked.stderr
    schoolsync(env, "exclude", key, upn, "--undo")
    archived = schoolsync(env, "archive", key, "--role", "staff").stdout
    assert archived.startswith("Archived ") and "--no-import-staff" in archived
    bad = schoolsync(env, "archive", key, "--role", "governor", check=False)
    assert bad.returncode == 2 and "--role must be pupil, teacher, staff or contact" in bad.stderr
