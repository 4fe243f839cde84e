"""Approving one hold, or one rule's holds, while the rest stay held (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa

from schoolsync.engine.digest import plan_digest
from schoolsync.engine.hold_groups import group_holds, select
from schoolsync.pipeline import Approval, plan_school, sync_school
from schoolsync.store import schools as school_store
from schoolsync.store.holds import approve_holds, pending_holds
from schoolsync.store.tables import holds, sync_runs
from tests.builders import snapshot
from tests.engine.test_safeguards import Scene, scene, school_items

__all__ = ["scene"]  # the fixture, shared


def waiting(scene: Scene) -> list[str]:
    with scene.engine.connect() as conn:
        school = school_store.get_school(conn, scene.key)
        return sorted(h.target for h in pending_holds(conn, school.id))


def approve(scene: Scene, who: str, *, subject: str = "", rule: str = "") -> None:
    with scene.engine.begin() as conn:
        school = school_store.get_school(conn, scene.key)
        found = pending_holds(conn, school.id)
        numbers = [n for n, h in enumerate(found, start=1) if h.target == subject]
        chosen = select(found, numbers, [rule] if rule else []).chosen
        approve_holds(conn, school.id, [h.id for h in chosen], who, scene.clock())


def approved_by(scene: Scene, run_id: int) -> str | None:
    with scene.engine.connect() as conn:
        query = sa.select(sync_runs.c.approved_by).where(sync_runs.c.id == run_id)
        return conn.execute(query).scalar_one()


def test_one_approved_hold_applies_and_the_rest_stay_held(scene: Scene) -> None:
    items = school_items(empty={"K1", "K2"})
    held = scene.sync(items)
    assert [g.rule for g in group_holds(held.holds)] == ["class_emptied"]
    assert waiting(scene) == ["7A/Ma1", "7A/Ma2"]

    approve(scene, "Ms Patel", subject="7A/Ma1")  # that one only
    result = scene.sync(items)
    assert scene.pupils_in("K1") == 0  # approved: emptied
    assert scene.pupils_in("K2") == 10  # still held, exactly as it was
    assert result.status == "needs_approval"
    assert [h.target for h in result.holds] == ["7A/Ma2"]
    assert waiting(scene) == ["7A/Ma2"]
    assert approved_by(scene, result.run_id) == "Ms Patel"


def test_approving_a_rule_applies_all_its_holds(scene: Scene) -> None:
    items = [i for i in school_items(empty={"K1", "K2"}) if getattr(i, "source_id", "") != "K3"]
    scene.sync(items)
    assert waiting(scene) == ["7A/Hi1", "7A/Ma1", "7A/Ma2"]  # one class_gone, two emptied

    approve(scene, "Mr Jones", rule="class_emptied")
    result = scene.sync(items)
    assert scene.pupils_in("K1") == 0 and scene.pupils_in("K2") == 0
    assert scene.class_status("K3") == "active"  # class_gone was not approved
    assert [h.rule for h in result.holds] == ["class_gone"]


def test_an_approval_lapses_when_the_mis_changes_first(scene: Scene) -> None:
    scene.sync(school_items(empty={"K1"}))
    approve(scene, "Ms Patel", subject="7A/Ma1")
    scene.sync(school_items())  # the MIS put the pupils back before the next run
    assert scene.pupils_in("K1") == 10 and waiting(scene) == []
    again = scene.sync(school_items(empty={"K1"}))  # emptied again: asks again
    assert again.status == "needs_approval" and scene.pupils_in("K1") == 10
    with scene.engine.connect() as conn:
        statuses = sorted(conn.execute(sa.select(holds.c.status)).scalars())
    assert "lapsed" in statuses


def test_a_manual_sync_can_leave_some_holds_held(scene: Scene) -> None:
    items = school_items(empty={"K1", "K2"})
    scene.mis.snapshot = snapshot(*items)
    shown = plan_school(scene.engine, scene.key, scene.mis, full=True, now=scene.clock)
    keep = next(h for h in shown.guarded.holds if h.target == "7A/Ma2")
    result = sync_school(
        scene.engine,
        scene.key,
        scene.mis,
        now=scene.clock,
        trigger="manual",
        approval=Approval(
            plan_digest(shown.plan), "Ms Patel", keep_held=frozenset({keep.fingerprint()})
        ),
    )
    assert scene.pupils_in("K1") == 0 and scene.pupils_in("K2") == 10
    assert result.status == "needs_approval"
    assert waiting(scene) == ["7A/Ma2"]
    assert approved_by(scene, result.run_id) == "Ms Patel"


def test_a_hold_keeps_its_number_and_date_from_night_to_night(scene: Scene) -> None:
    items = school_items(empty={"K1", "K2"})
    scene.sync(items)
    with scene.engine.connect() as conn:
        school = school_store.get_school(conn, scene.key)
        first = pending_holds(conn, school.id)
    scene.sync(school_items(empty={"K1"}))  # K2 was put right in the MIS
    with scene.engine.connect() as conn:
        second = pending_holds(conn, school.id)
    assert [(h.id, h.created_at, h.target) for h in second] == [
        (h.id, h.created_at, h.target) for h in first if h.target == "7A/Ma1"
    ]
    assert second[0].run_id != first[0].run_id


def test_a_waiting_approval_makes_the_next_sync_full(scene: Scene) -> None:
    items = school_items(empty={"K1"})
    scene.sync(items)
    approve(scene, "Ms Patel", subject="7A/Ma1")
    scene.mis.snapshot = snapshot(*items)
    scene.clock.advance(hours=1)  # well within a day: an incremental sync would be due
    result = sync_school(scene.engine, scene.key, scene.mis, now=scene.clock)
    assert result.mode == "full" and scene.pupils_in("K1") == 0


def test_approving_one_rule_never_applies_what_follows_from_a_hold_still_waiting(
    scene: Scene,
) -> None:
    in_k1 = {f"P{n}" for n in range(1, 30, 3)}  # K1's pupils all vanish from the export
    items = school_items(drop=in_k1)
    held = scene.sync(items)
    assert {h.rule for h in held.holds} == {"class_emptied", "mass_pupil_leavers"}

    approve(scene, "Ms Patel", rule="class_emptied")
    result = scene.sync(items)
    # The pupils have not left (that still waits), so they keep their places in K1.
    assert scene.active_pupils() == 30
    assert scene.pupils_in("K1") == 10
    assert [h.rule for h in result.holds] == ["mass_pupil_leavers"]
