"""The manual sync wizard over HTTP: subjects, classes, warnings, then Continue applies exactly
the plan shown; one hold approved while the other stays held; a stale plan is shown again."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from schoolsync.model import Snapshot
from schoolsync.pipeline import sync_school
from schoolsync.store.holds import pending_holds
from schoolsync.store.schools import get_school
from schoolsync.store.tables import sync_runs
from tests.builders import pupil, school_class, snapshot, subject, teacher
from tests.web.helpers import HEAD_A, NOW, SUPPORT, Site, browser_client, csrf_of, running_site

PUPILS = [pupil(f"P{n}") for n in range(1, 5)]


def larkfield(emptied: tuple[str, ...] = (), extra_pupil: bool = False) -> Snapshot:
    classes = [
        school_class(
            f"K{n}",
            f"7A/Ma{n}",
            mis_id=f"m{n}",
            subject_source_id="SM",
            year_group="7",
            students=[] if f"K{n}" in emptied else ["P1", "P2"],
        )
        for n in (1, 2, 3)
    ]
    people = [*PUPILS, *([pupil("P9", forename="Zara")] if extra_pupil else [])]
    return snapshot(
        *people, teacher("T1"), subject("SM", "Maths"), subject("SE", "English"), *classes
    )


@pytest.fixture
def world(engine: sa.Engine) -> Iterator[tuple[Site, dict[str, Snapshot]]]:
    state = {"Larkfield": larkfield()}

    def read_mis(name: str) -> Snapshot:
        return state.get(name, larkfield())

    with running_site(engine, read_mis=read_mis) as site:
        later = NOW + dt.timedelta(hours=1)
        sync_school(engine, site.key_a, lambda *_: state["Larkfield"], now=lambda: later)
        state["Larkfield"] = larkfield(emptied=("K2", "K3"))
        yield site, state


def hidden(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)"', page)


def to_warnings(client: httpx.Client, key: str) -> str:
    step1 = client.get(f"/schools/{key}/manual").text
    assert "Which subjects should be synced?" in step1 and "Maths" in step1
    csrf = csrf_of(step1)
    step2 = client.post(
        f"/schools/{key}/manual/classes", data={"csrf_token": csrf, "subject": ["SM", "SE"]}
    ).text
    assert "7A/Ma2" in step2 and "Select all in Maths" in step2
    step3 = client.post(
        f"/schools/{key}/manual/warnings",
        data={"csrf_token": csrf, "subject": ["SM", "SE"], "class": ["K1", "K2", "K3"]},
    )
    assert step3.status_code == 200
    return step3.text


def apply_form(page: str, approve: list[str]) -> dict[str, Any]:
    return {
        "csrf_token": csrf_of(page),
        "subject": hidden(page, "subject"),
        "class": hidden(page, "class"),
        "plan_hash": hidden(page, "plan_hash")[0],
        "shown_hold": hidden(page, "shown_hold"),
        "approve": approve,
    }


def held_subjects(site: Site) -> list[str]:
    with site.engine.connect() as conn:
        school_id = get_school(conn, site.key_a).id
        return sorted(h.target for h in pending_holds(conn, school_id))


def test_approving_one_held_change_leaves_the_other_held(
    world: tuple[Site, dict[str, Snapshot]],
) -> None:
    site, _state = world
    with browser_client(site, HEAD_A) as client:
        step3 = to_warnings(client, site.key_a)
        assert step3.count('name="shown_hold"') == 2
        assert "Approving removes: 2 pupils from the class" in step3
        first = hidden(step3, "shown_hold")[0]
        done = client.post(f"/schools/{site.key_a}/manual/apply", data=apply_form(step3, [first]))
        assert done.status_code == 200 and f"/schools/{site.key_a}/runs/" in str(done.url)
        assert "Changes held back for approval" in done.text  # the other one waits
    assert len(held_subjects(site)) == 1


def test_a_plan_made_stale_by_the_mis_is_shown_again_and_nothing_applied(
    world: tuple[Site, dict[str, Snapshot]],
) -> None:
    site, state = world
    with browser_client(site, HEAD_A) as client:
        step3 = to_warnings(client, site.key_a)
        state["Larkfield"] = larkfield(emptied=("K2", "K3"), extra_pupil=True)
        with site.engine.connect() as conn:
            runs_before = conn.execute(sa.select(sa.func.count()).select_from(sync_runs)).scalar()
        form = apply_form(step3, hidden(step3, "shown_hold"))
        stale = client.post(f"/schools/{site.key_a}/manual/apply", data=form)
        assert stale.status_code == 409
        assert "Your MIS changed since you looked" in stale.text
        assert hidden(stale.text, "plan_hash") != hidden(step3, "plan_hash")
        assert "student: 1 added" in stale.text
        with site.engine.connect() as conn:
            refused = conn.execute(
                sa.select(sync_runs.c.status, sync_runs.c.counts)
                .order_by(sync_runs.c.id.desc())
                .limit(1)
            ).one()
        assert refused.status == "failed" and not refused.counts  # nothing applied
        again = client.post(
            f"/schools/{site.key_a}/manual/apply",
            data=apply_form(stale.text, hidden(stale.text, "shown_hold")),
        )
        assert again.status_code == 200 and "/runs/" in str(again.url)
    assert held_subjects(site) == []
    with site.engine.connect() as conn:
        runs_after = conn.execute(sa.select(sa.func.count()).select_from(sync_runs)).scalar()
    assert runs_after == (runs_before or 0) + 2  # the refused attempt is recorded, then the run


def test_vendor_support_sees_the_plan_but_cannot_apply_it(
    world: tuple[Site, dict[str, Snapshot]],
) -> None:
    site, _state = world
    with browser_client(site, SUPPORT) as client:
        step3 = to_warnings(client, site.key_a)
        assert "Approve this change" not in step3 and "Continue: apply" not in step3
        refused = client.post(f"/schools/{site.key_a}/manual/apply", data=apply_form(step3, []))
    assert refused.status_code == 403
    with site.engine.connect() as conn:
        runs = conn.execute(sa.select(sa.func.count()).select_from(sync_runs)).scalar()
    assert runs == 3  # the two seeded and the one before the MIS emptied the classes


def test_select_all_in_a_subject_and_the_filters_keep_every_tick(
    world: tuple[Site, dict[str, Snapshot]],
) -> None:
    site, _state = world
    with browser_client(site, HEAD_A) as client:
        csrf = csrf_of(client.get(f"/schools/{site.key_a}").text)
        base = {"csrf_token": csrf, "subject": ["SM"], "picking": "1"}
        selected = client.post(
            f"/schools/{site.key_a}/manual/classes", data={**base, "select_all": "SM"}
        ).text
        assert all(f'value="K{n}" checked' in selected for n in (1, 2, 3))
        filtered = client.post(
            f"/schools/{site.key_a}/manual/classes",
            data={**base, "class": ["K1", "K3"], "filter_year": "8"},
        ).text
        # No year-8 class is shown, but the ticked ones travel on in hidden fields.
        assert 'id="class-K1"' not in filtered
        assert sorted(hidden(filtered, "class")) == ["K1", "K3"]
