"""The scope a manual sync saves: what the wizard says about it, and a subject that comes back
to the MIS after its removal was approved (SQLite and PostgreSQL)."""

from __future__ import annotations

import io

from rich.console import Console

from schoolsync.cli.manual import manual_sync
from schoolsync.engine.scope import Scope, describe_scope, scope_to_save
from tests.builders import snapshot
from tests.engine.test_safeguards import Scene, scene, school_items

__all__ = ["scene"]  # the fixture, shared


def wizard(scene: Scene, items: list) -> str:
    scene.mis.snapshot = snapshot(*items)
    screen = io.StringIO()
    console = Console(file=screen, width=200)
    result = manual_sync(
        scene.engine, scene.key, scene.mis, console, assume_yes=True, approved_by="Ms Patel"
    )
    assert result is not None and result.status in ("success", "issues_exist")
    return screen.getvalue()


def history_dropped() -> list:
    return [
        i
        for i in school_items(drop={"K3"})
        if getattr(i, "source_id", "") != "S2"  # History and its class gone from the MIS
    ]


def test_a_subject_that_returns_after_its_removal_was_approved_syncs_again(scene: Scene) -> None:
    assert scene.sync(history_dropped()).status == "needs_approval"
    shown = wizard(scene, history_dropped())  # the removal is approved
    assert "saved as the school's sync scope" in shown and "--reset-scope" in shown
    assert scene.class_status("K3") == "deleted"

    back = scene.sync(school_items())  # History is back in the MIS
    assert back.counts["subject"] == {"restore": 1}
    assert back.counts["class"] == {"restore": 1}
    assert scene.class_status("K3") == "active" and scene.pupils_in("K3") == 9
    offered = wizard(scene, school_items())
    history_row = next(line for line in offered.splitlines() if "History" in line)
    assert "yes" in history_row  # offered again, and chosen as it was


def test_only_what_was_turned_down_stays_out() -> None:
    before = Scope(frozenset({"S1", "S2"}), frozenset({"K1", "K3"}), frozenset({"K1", "K2", "K3"}))
    # History (S2) and its class K3 are missing from the MIS; Art (S3) is offered, not chosen.
    chosen = Scope(frozenset({"S1"}), frozenset({"K1"}), frozenset({"K1", "K2"}))
    saved = scope_to_save(chosen, before, {"S1", "S3"}, {"S1", "S2", "S3"})
    assert saved.subjects == {"S1", "S2"}
    assert saved.includes_class("K3", "S2")  # comes back with its subject
    assert not saved.includes_class("K2", "S1")  # turned down before, still turned down
    assert not saved.includes_subject("S3")


def test_the_scope_is_shown_by_name() -> None:
    chosen = Scope(frozenset({"S1"}), frozenset({"K1", "K2"}), frozenset({"K1", "K2", "K3", "K9"}))
    lines = describe_scope(
        chosen, {"S1": "Mathematics", "S2": "History"}, {"K1": "7A/Ma1", "K3": "7A/Hi1"}
    )
    assert lines[:3] == [
        "subjects synced (1): Mathematics",
        "subjects left out (1): History",
        "classes left out of those subjects (2): 7A/Hi1, K9 (never synced)",
    ]
    assert describe_scope(Scope(), {}, {})[0].startswith("everything in the MIS")
