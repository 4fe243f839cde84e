"""Every command that reads a file answers alike: a path that is not there is a wrong argument
(exit 2, fix the command line); a file whose content is bad exits 1, as `import` does for a
file it cannot read (README, "Exit codes and scripts")."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import schoolsync


def _school(env: dict[str, str]) -> str:
    return schoolsync(env, "school", "add", "--name", "X").stdout.split()[-1]


def test_a_mistyped_path_exits_2_for_every_command_reading_a_file(env, tmp_path: Path) -> None:
    key = _school(env)
    missing = str(tmp_path / "no-such-file.csv")
    commands = [
        ("import", key, missing),
        ("terms", key, "--file", missing),
        ("import-existing", key, "--users", missing),
        ("match", key, "--choices", missing),
        ("match", key, "--resolve", missing),
    ]
    for command in commands:
        refused = schoolsync(env, *command, check=False)
        assert refused.returncode == 2, (command, refused.stderr)
        assert "no-such-file.csv" in refused.stderr, command
        assert "Traceback" not in refused.stderr


def test_a_file_with_bad_lines_exits_1_for_every_command_reading_one(env, tmp_path: Path) -> None:
    key = _school(env)
    terms = tmp_path / "terms.csv"
    terms.write_text("academic_year,term,start,end\n2026/27,autumn1,2026-09-03,not a date\n")
    users = tmp_path / "users.csv"
    users.write_text("username,forename,surname,role\nx1,Ann,,student\n")
    broken = tmp_path / "broken.xml"
    broken.write_text("<CTfile><Header></Header>")
    commands = {
        "terms": ("terms", key, "--file", str(terms)),
        "users.csv": ("import-existing", key, "--users", str(users)),
        "broken.xml": ("import", key, str(broken)),
    }
    for named, command in commands.items():
        refused = schoolsync(env, *command, check=False)
        assert refused.returncode == 1, (command, refused.stderr)
        assert named in refused.stderr + refused.stdout, command
    assert json.loads(schoolsync(env, "terms", key, "--json").stdout)["terms"] == []
