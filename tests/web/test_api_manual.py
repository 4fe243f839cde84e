"""The manual sync through the API: the choices on offer, the plan a choice makes, and start,
which applies exactly that plan, makes only the holds it names, refuses vendor support, and
answers 409 with the new plan when the MIS changed in between."""

from __future__ import annotations

import sqlalchemy as sa

from schoolsync.model import Snapshot
from schoolsync.store.tables import sync_runs
from tests.web.helpers import HEAD_A, SUPPORT, Site
from tests.web.test_api_people import api_as
from tests.web.test_manual_wizard import held_subjects, larkfield, world

__all__ = ["world"]  # the fixture, shared

CHOSEN = {"subjects": ["SM", "SE"], "classes": ["K1", "K2", "K3"]}


def runs(site: Site) -> int:
    with site.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(sync_runs)).scalar_one())


def test_the_choices_on_offer_ticked_as_the_saved_scope_has_them(
    world: tuple[Site, dict[str, Snapshot]],
) -> None:
    site, _state = world
    with api_as(site, SUPPORT) as api:
        offered = api.get(f"/api/schools/{site.key_a}/manual/choices")
        assert offered.status_code == 200
        subjects = {s["name"]: s for s in offered.json()["subjects"]}
        assert subjects["Maths"]["chosen"] and subjects["Maths"]["synced"]
        assert [c["name"] for c in offered.json()["classes"]] == ["7A/Ma1", "7A/Ma2", "7A/Ma3"]
        assert offered.json()["classes"][0]["subject"] == "Maths"
        only_english = api.get(
            f"/api/schools/{site.key_a}/manual/choices", params={"subject": "SE"}
        ).json()
        assert only_english["classes"] == []  # English has no classes


def test_start_makes_the_approved_hold_and_leaves_the_other_held(
    world: tuple[Site, dict[str, Snapshot]],
) -> None:
    site, _state = world
    with api_as(site, HEAD_A) as api:
        plan = api.post(f"/api/schools/{site.key_a}/manual/plan", json=CHOSEN).json()
        assert len(plan["holds"]) == 2
        assert "2 pupils from the class" in " ".join(plan["holds"][0]["losses"])
        first = plan["holds"][0]["fingerprint"]
        started = api.post(
            f"/api/schools/{site.key_a}/manual/start",
            json={**CHOSEN, "plan_hash": plan["plan_hash"], "approve": [first]},
        )
        assert started.status_code == 200, started.text
        assert started.json()["status"] == "needs_approval"
    assert len(held_subjects(site)) == 1


def test_a_stale_plan_is_refused_with_the_new_one_and_nothing_applied(
    world: tuple[Site, dict[str, Snapshot]],
) -> None:
    site, state = world
    with api_as(site, HEAD_A) as api:
        plan = api.post(f"/api/schools/{site.key_a}/manual/plan", json=CHOSEN).json()
        state["Larkfield"] = larkfield(emptied=("K2", "K3"), extra_pupil=True)
        before = runs(site)
        stale = api.post(
            f"/api/schools/{site.key_a}/manual/start",
            json={**CHOSEN, "plan_hash": plan["plan_hash"], "approve": []},
        )
        assert stale.status_code == 409
        new_plan = stale.json()["detail"]["plan"]
        assert new_plan["plan_hash"] != plan["plan_hash"]
        assert "student: 1 added" in new_plan["changes"]
        assert runs(site) == before  # refused before any run started
        again = api.post(
            f"/api/schools/{site.key_a}/manual/start",
            json={**CHOSEN, "plan_hash": new_plan["plan_hash"], "approve": []},
        )
        assert again.status_code == 200
    assert len(held_subjects(site)) == 2  # nothing approved: both wait


def test_vendor_support_may_look_but_not_start(world: tuple[Site, dict[str, Snapshot]]) -> None:
    site, _state = world
    before = runs(site)
    with api_as(site, SUPPORT) as api:
        plan = api.post(f"/api/schools/{site.key_a}/manual/plan", json=CHOSEN)
        assert plan.status_code == 200
        refused = api.post(
            f"/api/schools/{site.key_a}/manual/start",
            json={**CHOSEN, "plan_hash": plan.json()["plan_hash"]},
        )
        assert refused.status_code == 403
        assert api.post(f"/api/schools/{site.key_a}/manual/plan", json={}).status_code == 422
    assert runs(site) == before
