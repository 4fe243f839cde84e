"""Settings come from the environment in one place, built by the entry point; secrets never
show in a repr (settings end up in logs and tracebacks)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from schoolsync.config import Settings
from schoolsync.errors import ConfigError

SRC = Path(__file__).parents[2] / "src" / "schoolsync"

ENVIRON = {
    "SCHOOLSYNC_HOME": "",  # replaced by each test
    "SCHOOLSYNC_SECRET_KEY": "x" * 43 + "=",
    "SCHOOLSYNC_SMTP_HOST": "mail.example",
    "SCHOOLSYNC_SMTP_PORT": "587",
    "SCHOOLSYNC_SMTP_USER": "alerts",
    "SCHOOLSYNC_SMTP_PASSWORD": "smtp-s3cret",
    "SCHOOLSYNC_SMTP_STARTTLS": "yes",
    "SCHOOLSYNC_WONDE_TOKEN": "wonde-s3cret",
    "SCHOOLSYNC_API_TOKEN": "api-s3cret",
    "SCHOOLSYNC_LOG_LEVEL": "info",
    "USER": "mpatel",
}


def test_everything_an_entry_point_needs_is_in_the_settings(tmp_path: Path) -> None:
    settings = Settings.from_env({**ENVIRON, "SCHOOLSYNC_HOME": str(tmp_path)})
    assert settings.smtp is not None
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.starttls) == (
        "mail.example",
        587,
        True,
    )
    assert settings.wonde_token == "wonde-s3cret" and settings.api_token == "api-s3cret"
    assert settings.operator == "mpatel" and settings.log_level == "INFO"
    assert Settings.from_env({"SCHOOLSYNC_HOME": str(tmp_path)}).smtp is None


def test_no_secret_shows_in_the_settings_repr(tmp_path: Path) -> None:
    shown = repr(Settings.from_env({**ENVIRON, "SCHOOLSYNC_HOME": str(tmp_path)}))
    for secret in ("smtp-s3cret", "wonde-s3cret", "api-s3cret", ENVIRON["SCHOOLSYNC_SECRET_KEY"]):
        assert secret not in shown
    assert "mail.example" in shown  # the rest is still there to read


def test_only_config_reads_the_environment() -> None:
    readers = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("environ", "getenv")
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                readers.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert {r.split(":")[0] for r in readers} <= {"config.py"}, readers


def test_a_bad_smtp_port_is_named(tmp_path: Path) -> None:
    environ = {"SCHOOLSYNC_HOME": str(tmp_path), "SCHOOLSYNC_SMTP_HOST": "mail.example"}
    with pytest.raises(ConfigError, match="SCHOOLSYNC_SMTP_PORT must be a number, not 'smtp'"):
        Settings.from_env({**environ, "SCHOOLSYNC_SMTP_PORT": "smtp"})
