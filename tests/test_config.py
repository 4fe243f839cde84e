"""Where the embedded store lives (issue 15): one per user, whatever the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from schoolsync.config import Settings, default_home
from schoolsync.store.database import store_location


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    xdg = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))  # where platformdirs looks on Linux
    return xdg


def test_the_default_store_is_in_the_users_data_folder_from_any_directory(
    tmp_path: Path, data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        settings = Settings.from_env({})
        seen.append((settings.home, settings.database_url))
    assert seen[0] == seen[1]
    home = seen[0][0]
    assert home == default_home()
    assert home.is_absolute() and ".schoolsync" not in home.parts
    assert seen[0][1] == f"sqlite:///{home / 'schoolsync.db'}"


@pytest.mark.skipif(not Path("/proc").exists(), reason="XDG_DATA_HOME is Linux's convention")
def test_the_default_follows_the_platforms_convention(data_home: Path) -> None:
    assert Settings.from_env({}).home == data_home / "schoolsync"


def test_schoolsync_home_still_moves_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({"SCHOOLSYNC_HOME": "elsewhere"})
    assert settings.home == tmp_path / "elsewhere"
    assert (tmp_path / "elsewhere" / "secret.key").exists()


def test_the_location_shown_names_the_file_or_server_never_the_password(tmp_path: Path) -> None:
    assert store_location(f"sqlite:///{tmp_path / 'x.db'}") == str(tmp_path / "x.db")
    shown = store_location("postgresql+psycopg://sync:s3cret@db.example:5432/schoolsync")
    assert "s3cret" not in shown
    assert "db.example" in shown and "schoolsync" in shown
