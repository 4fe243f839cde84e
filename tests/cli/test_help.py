"""Every command's help in plain words: no Python types a school admin would have to decode."""

from __future__ import annotations

from typing import Any

import pytest

from schoolsync.cli import build_command

PYTHON_TYPES = ("<bool>", "<str>", "<int>", "<float>", "<path>", "<list[", "list[str]")


def command_paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, child in sorted(getattr(command, "commands", {}).items()):
        paths += command_paths(child, (*prefix, name))
    return paths


ROOT = build_command()


@pytest.mark.parametrize("path", command_paths(ROOT), ids=lambda p: " ".join(p) or "schoolsync")
def test_help_names_no_python_types(path: tuple[str, ...], capsys) -> None:
    assert build_command().main([*path, "--help"], "schoolsync", standalone_mode=False) == 0
    shown = capsys.readouterr().out
    assert "Usage: schoolsync" in shown
    for python_type in PYTHON_TYPES:
        assert python_type not in shown, f"{' '.join(path)} --help shows {python_type}"


def test_options_say_what_kind_of_value() -> None:
    settings = ROOT.commands["school"].commands["settings"]
    shown = {p.name: p.metavar for p in settings.params}
    assert shown["alert_email"] == "TEXT"
    assert shown["pupil_leavers_pct"] == "NUMBER"
    assert shown["school"] == "SCHOOL"
