"""An MIS switch over real HTTP: the sandbox re-issues every id (keeping UPIs and UPNs) and
sends `schoolMigration`; the sync it starts re-links everyone with no second account, archives
no class by mistake, and holds only the classes it cannot re-link, with the evidence."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.sandbox import DEMO_SCHOOL_ID
from schoolsync.services import holds as hold_service
from schoolsync.services.syncing import run_sync
from schoolsync.store.tables import classes, people

from .scene import APP_TOKEN, NOW, Scene, connecting


def _counts(scene: Scene) -> dict[str, Any]:
    with scene.engine.connect() as conn:
        rows = conn.execute(sa.select(people.c.status, sa.func.count()).group_by(people.c.status))
        by_status = dict(rows.all())
        class_rows = conn.execute(sa.select(classes.c.status, sa.func.count())
                                  .group_by(classes.c.status)).all()  # fmt: skip
    return {"people": by_status, "classes": dict(class_rows)}


def test_a_mis_switch_relinks_everyone_and_holds_only_what_it_cannot(
    engine: sa.Engine, settings: Settings
) -> None:
    with connecting(engine, settings, None, pupils=120) as scene:
        scene.request()
        scene.school_says("approve")
        scene.wait_for_sync()
        before = _counts(scene)

        response = httpx.post(
            f"{scene.control}schools/{DEMO_SCHOOL_ID}/mis-switch",
            json={"to": "Arbor", "seed": 4, "unlinkable_classes": 2},
            headers={"Authorization": f"Bearer {APP_TOKEN}"},
            timeout=120,
        )
        assert response.status_code == 200, response.text
        switch = response.json()
        assert switch["webhook_status"] == 200
        progress = scene.wait_for_sync()
        assert progress.status == "needs_approval", progress.error

        after = _counts(scene)
        # Nobody got a second account, and nobody left.
        assert after["people"] == before["people"]
        # No class was archived: the two renamed ones wait for a person, with the evidence.
        assert after["classes"] == before["classes"]
        waiting = hold_service.pending(engine, scene.key).holds
        assert sorted(h.rule for h in waiting) == ["mis_switch", "mis_switch"]
        for hold in waiting:
            assert "could not be re-linked with confidence" in hold.message
            assert "pupils are those of class" in hold.message
        messages = " ".join(h.message for h in waiting)
        for old_name in switch["renamed_classes"]:
            assert f"are those of class '{old_name}'" in messages
        # Everyone now carries the new MIS's ids.
        with engine.connect() as conn:
            active = sa.select(people.c.source_id).where(people.c.status == "active")
            stored_ids = set(conn.execute(active).scalars())
        sandbox_school = scene.sandbox.schools[DEMO_SCHOOL_ID]
        served = {*sandbox_school.students, *sandbox_school.employees, *sandbox_school.contacts}
        assert stored_ids <= served
        # The switch stays in hand until a person has looked at what waits...
        assert scene.school().mis_switch_at is not None
        hold_service.approve(engine, scene.key, hold_ids=[], rules=["mis_switch"],
                             approved_by="head", now=NOW)  # fmt: skip
        done = run_sync(engine, settings, scene.key)
        assert done.result.status != "needs_approval"
        # ...and is done with once it has: the two classes are now two new ones.
        assert scene.school().mis_switch_at is None
        assert _counts(scene)["classes"]["deleted"] == 2
