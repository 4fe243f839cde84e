"""A school whose connection does not let it sync (here: still waiting for the school's approval
in the Wonde portal) is not offered the manual sync: the web wizard and the API say the same
plain-English reason `schoolsync sync` gives, and the MIS is never asked (Wonde would answer a
bare 403)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from schoolsync.model import Snapshot
from schoolsync.store.tables import schools, sync_runs
from tests.web.helpers import HEAD_A, Site, browser_client, mis, running_site
from tests.web.test_api_people import api_as

REASON = "was skipped: the school has not approved the app in the Wonde portal yet"
CHOSEN = {"subjects": ["SM"], "classes": ["K1"]}


@pytest.fixture
def pending(engine: sa.Engine) -> Iterator[tuple[Site, list[str]]]:
    """The site with Larkfield moved to Wonde and waiting for approval; `asked` lists each
    school the MIS was read for."""
    asked: list[str] = []

    def read_mis(name: str) -> Snapshot:
        asked.append(name)
        return mis(name)

    with running_site(engine, read_mis=read_mis) as site:
        with engine.begin() as conn:
            conn.execute(
                sa.update(schools)
                .where(schools.c.key == site.key_a)
                .values(source_kind="wonde", connection_state="pending")
            )
        yield site, asked


def runs(site: Site) -> int:
    with site.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(sync_runs)).scalar_one())


def test_the_wizard_says_why_a_pending_school_cannot_sync(
    pending: tuple[Site, list[str]],
) -> None:
    site, asked = pending
    before = runs(site)
    with browser_client(site, HEAD_A) as client:
        step1 = client.get(f"/schools/{site.key_a}/manual")
    assert step1.status_code == 409
    assert REASON in step1.text and "Which subjects" not in step1.text
    assert asked == [] and runs(site) == before


def test_the_api_says_why_a_pending_school_cannot_sync(pending: tuple[Site, list[str]]) -> None:
    site, asked = pending
    before = runs(site)
    with api_as(site, HEAD_A) as api:
        offered = api.get(f"/api/schools/{site.key_a}/manual/choices")
        plan = api.post(f"/api/schools/{site.key_a}/manual/plan", json=CHOSEN)
        started = api.post(
            f"/api/schools/{site.key_a}/manual/start", json={**CHOSEN, "plan_hash": "x"}
        )
    for answer in (offered, plan, started):
        assert answer.status_code == 409, answer.text
        assert REASON in answer.json()["detail"]
    assert asked == [] and runs(site) == before
