"""A school's Wonde permissions, read from the sandbox over real HTTP: what the permissions
page and `schoolsync permissions` show, and what a sync does without each."""

# ruff: noqa: F811  (the fixtures imported from test_sync_wonde are parameters here)
from __future__ import annotations

from schoolsync.sandbox import DEMO_SCHOOL_ID
from schoolsync.services.permissions import school_permissions
from schoolsync.services.sources import permissions_reader
from tests.engine.test_sync_wonde import school, served, sync  # noqa: F401


def test_denied_permissions_are_named_with_what_they_leave_out(
    engine, settings, served, school
) -> None:
    served[0].deny(DEMO_SCHOOL_ID, "attendance.read")
    view = school_permissions(engine, school, permissions_reader(settings))
    [missing] = view.not_granted
    assert missing.feature.permission == "attendance.read" and not missing.required
    assert missing.effect == "Not granted: left out of every sync, with a warning"
    assert view.portal.startswith("https://")
    # An optional permission refused: a warning naming it, and the rest of the run goes on.
    result = sync(engine, settings, school)
    assert result.status == "success_with_warnings"
    assert any("'attendance.read'" in i.message for i in result.issues)
    assert result.counts["student"]["create"] > 0
    served[0].deny(DEMO_SCHOOL_ID, "classes.read")
    view = school_permissions(engine, school, permissions_reader(settings))
    assert [a.feature.permission for a in view.not_granted] == ["classes.read", "attendance.read"]
    assert view.not_granted[0].effect == "Not granted: every sync fails until it is"
    failed = sync(engine, settings, school, full=True)
    assert failed.status == "failed" and "classes.read" in (failed.message or "")
