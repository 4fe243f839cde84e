"""With the web app's address set, the approval and failure emails link to the page that
resolves them instead of naming CLI commands."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from schoolsync.alerts import base_url_from
from schoolsync.errors import ConfigError, SourceAuthError
from schoolsync.notify import email_notifier
from schoolsync.pipeline import sync_school
from schoolsync.school_settings import SchoolSettings
from tests.conftest import Clock
from tests.engine.test_safeguards import Scene, school_items

BASE = "https://sync.vendor.example"


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[list[str], str, str]] = []

    def send(self, recipients: list[str], subject: str, body: str) -> None:
        self.sent.append((recipients, subject, body))


def scene_with(engine: sa.Engine, clock: Clock, outbox: Outbox, base: str | None) -> Scene:
    settings = SchoolSettings(alert_emails=("head@school.org.uk",))
    return Scene(engine, clock, settings, email_notifier(engine, outbox, now=clock, base_url=base))


def test_the_approval_email_links_to_the_held_changes_page(engine: sa.Engine, clock: Clock) -> None:
    outbox = Outbox()
    scene = scene_with(engine, clock, outbox, BASE)
    scene.sync(school_items())
    held = scene.sync(school_items(drop={"K3"}))
    assert held.status == "needs_approval"
    [(_to, _subject, body)] = outbox.sent
    assert f"{BASE}/schools/{scene.key}/runs/{held.run_id}#held" in body
    assert "schoolsync sync" not in body and "--manual" not in body


def test_the_failure_email_links_to_the_failed_run(engine: sa.Engine, clock: Clock) -> None:
    outbox = Outbox()
    scene = scene_with(engine, clock, outbox, BASE)

    def broken(*_: Any) -> Any:
        raise SourceAuthError("The school has not granted the 'students.read' permission")

    result = sync_school(engine, scene.key, broken, now=clock, notify=scene.notify)
    [(_to, _subject, body)] = outbox.sent
    assert f"{BASE}/schools/{scene.key}/runs/{result.run_id}" in body


def test_without_the_address_the_email_still_names_the_commands(
    engine: sa.Engine, clock: Clock
) -> None:
    outbox = Outbox()
    scene = scene_with(engine, clock, outbox, None)
    scene.sync(school_items())
    scene.sync(school_items(drop={"K3"}))
    [(_to, _subject, body)] = outbox.sent
    assert f"schoolsync sync {scene.key} --manual" in body


def test_the_base_url_setting_is_checked() -> None:
    assert base_url_from({}) is None
    assert base_url_from({"SCHOOLSYNC_BASE_URL": f"{BASE}/"}) == BASE
    with pytest.raises(ConfigError, match="SCHOOLSYNC_BASE_URL"):
        base_url_from({"SCHOOLSYNC_BASE_URL": "sync.vendor.example"})
