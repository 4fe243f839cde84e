"""The embedded store holds children's data: only its owner may read it (issue 7d)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from schoolsync.config import Settings
from schoolsync.store.database import make_engine, upgrade


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The common default, under which a file made without care is world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_store_is_readable_only_by_its_owner(tmp_path: Path) -> None:
    home = tmp_path / "data" / "schoolsync"
    engine = make_engine(f"sqlite:///{home / 'schoolsync.db'}")
    upgrade(engine)
    engine.dispose()
    assert mode(home) == 0o700
    assert mode(tmp_path / "data") == 0o700
    assert mode(home / "schoolsync.db") == 0o600
    for sidecar in home.iterdir():  # WAL files copy the database's mode; the migration lock
        assert mode(sidecar) == 0o600, sidecar.name


def test_the_default_home_and_its_key_are_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings.from_env({"SCHOOLSYNC_HOME": str(home)})
    assert settings.home == home
    assert mode(home) == 0o700
    assert mode(home / "secret.key") == 0o600


def test_an_existing_folder_keeps_the_mode_its_owner_chose(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    os.chmod(shared, 0o750)
    engine = make_engine(f"sqlite:///{shared / 'schoolsync.db'}")
    upgrade(engine)
    engine.dispose()
    assert mode(shared) == 0o750
    assert mode(shared / "schoolsync.db") == 0o600
