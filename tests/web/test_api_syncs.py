"""`POST /api/schools/{key}/syncs`: a school admin or vendor staff (support too) queue a sync
ahead of the scheduled ones; asking again while it waits answers the same job; another school's
admin gets 404; a school waiting for approval gets the reason and nothing is queued."""

from __future__ import annotations

import sqlalchemy as sa

from schoolsync.store.tables import schools, sync_jobs
from tests.web.helpers import HEAD_A, SUPPORT, Site
from tests.web.test_api_people import api_as, site

__all__ = ["site"]  # the fixture, shared


def queued(site: Site) -> list[tuple[str, str]]:
    with site.engine.connect() as conn:
        rows = conn.execute(
            sa.select(schools.c.key, sync_jobs.c.trigger)
            .join(schools, schools.c.id == sync_jobs.c.school_id)
            .where(sync_jobs.c.state == "queued")
        )
        return [(str(k), str(t)) for k, t in rows]


def test_a_school_admin_queues_one_expedited_sync(site: Site) -> None:
    with api_as(site, HEAD_A) as api:
        first = api.post(f"/api/schools/{site.key_a}/syncs")
        assert first.status_code == 202, first.text
        job = first.json()
        assert job["trigger"] == "expedited" and job["state"] == "queued"
        assert job["school"] == site.key_a and job["already_queued"] is False
        again = api.post(f"/api/schools/{site.key_a}/syncs", json={"full": True})
        assert again.status_code == 200
        assert again.json()["job_id"] == job["job_id"] and again.json()["already_queued"]
        assert api.post(f"/api/schools/{site.key_b}/syncs").status_code == 404
    assert queued(site) == [(site.key_a, "expedited")]


def test_vendor_support_may_queue_a_sync(site: Site) -> None:
    with api_as(site, SUPPORT) as api:
        started = api.post(f"/api/schools/{site.key_b}/syncs", json={"full": True})
    assert started.status_code == 202, started.text
    assert started.json()["full"] is True
    assert queued(site) == [(site.key_b, "expedited")]


def test_a_school_waiting_for_approval_is_told_why_and_nothing_is_queued(site: Site) -> None:
    with site.engine.begin() as conn:
        conn.execute(
            sa.update(schools)
            .where(schools.c.key == site.key_a)
            .values(source_kind="wonde", connection_state="pending")
        )
    with api_as(site, HEAD_A) as api:
        refused = api.post(f"/api/schools/{site.key_a}/syncs")
    assert refused.status_code == 409
    assert "has not approved the app in the Wonde portal" in refused.json()["detail"]
    assert queued(site) == []
