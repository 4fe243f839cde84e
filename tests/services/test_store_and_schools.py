"""The service layer on a real store (SQLite and PostgreSQL): one engine and one migration
check per process; schools added and changed without half-applied settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.errors import ConfigError, NotFound
from schoolsync.services import schools
from schoolsync.services.store import close_all, engine_for

NOW = dt.datetime(2026, 12, 6, 21, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(settings: Settings) -> Iterator[sa.Engine]:
    yield engine_for(settings)
    close_all()


def test_the_store_is_opened_and_checked_once_per_process(
    settings: Settings, store: sa.Engine
) -> None:
    checkouts: list[object] = []
    sa.event.listen(store, "engine_connect", lambda conn: checkouts.append(conn))
    again = engine_for(dataclasses.replace(settings, wonde_token="another"))
    assert again is store and checkouts == []  # no second schema check, no new engine


def test_a_school_added_with_a_wonde_id_gets_the_configured_token(
    settings: Settings, store: sa.Engine
) -> None:
    configured = dataclasses.replace(settings, wonde_token="from-the-environment")
    school = schools.add_school(
        store, configured, name="Larkfield Academy", now=NOW, wonde_school_id="A1930499544"
    )
    assert school.token(settings.secret_key) == "from-the-environment"
    files_only = schools.add_school(store, configured, name="Larkfield Primary", now=NOW)
    assert files_only.token_encrypted is None  # fed by files: no token kept for nothing
    assert [s.name for s in schools.list_schools(store)] == [
        "Larkfield Academy",
        "Larkfield Primary",
    ]


def test_a_bad_setting_is_named_and_nothing_is_changed(
    settings: Settings, store: sa.Engine
) -> None:
    key = schools.add_school(store, settings, name="Larkfield Primary", now=NOW).key
    with pytest.raises(ConfigError, match="safeguard mode must be 'partial' or 'strict'"):
        schools.update_settings(store, key, {"pupil_leavers_pct": 5.0, "safeguard_mode": "lenient"})
    shown = schools.update_settings(store, key)  # only reads
    assert shown.settings.pupil_leavers_pct != 5.0
    assert shown.scope_lines[0].startswith("everything in the MIS")
    changed = schools.update_settings(store, key, {"pupil_leavers_pct": 5.0})
    assert schools.update_settings(store, key).settings == changed.settings
    assert changed.settings.pupil_leavers_pct == 5.0


def test_dependents_of_an_unknown_class_are_refused(settings: Settings, store: sa.Engine) -> None:
    key = schools.add_school(store, settings, name="Larkfield Primary", now=NOW).key
    with pytest.raises(NotFound, match="no class with MIS id 'K9'"):
        schools.set_class_dependents(store, key, "K9", 3, "tasks", NOW)
