"""Holds through the API: one summary per rule, and approving some while the rest wait."""

from __future__ import annotations

import datetime as dt

import httpx
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.model import Snapshot
from schoolsync.pipeline import sync_school
from schoolsync.store import schools as school_store
from tests.builders import pupil, school_class, snapshot, teacher
from tests.web.test_api import NOW, api

__all__ = ["api"]  # the fixture, shared


def mis(*emptied: str) -> Snapshot:
    pupils = [pupil(f"P{n}") for n in range(4)]
    classes = [
        school_class(f"K{n}", f"7A/Ma{n}", students=[] if f"K{n}" in emptied else ["P0", "P1"])
        for n in range(1, 4)
    ]
    return snapshot(*pupils, teacher("T1", email="t1@school.org.uk"), *classes)


def test_approving_one_rule_or_one_hold(api: httpx.Client, engine: sa.Engine) -> None:
    with engine.begin() as conn:
        key = school_store.add_school(
            conn, name="Larkfield", now=NOW, secret_key=Fernet.generate_key()
        ).key
    later = [NOW + dt.timedelta(hours=n) for n in range(4)]
    sync_school(engine, key, lambda *_: mis(), now=lambda: later[0])
    emptied = mis("K1", "K2", "K3")
    assert sync_school(engine, key, lambda *_: emptied, now=lambda: later[1]).status == (
        "needs_approval"
    )

    [group] = api.get(f"/api/schools/{key}/holds/groups").json()
    assert (group["rule"], group["count"]) == ("class_emptied", 3)
    assert group["summary"].startswith("3 classes had pupils and now have none")
    holds = api.get(f"/api/schools/{key}/holds").json()
    first = next(h for h in holds if h["subject"] == "7A/Ma1")

    bad = api.post(
        f"/api/schools/{key}/holds/approve", json={"hold_ids": [9999], "approved_by": "x"}
    )
    assert bad.status_code == 422 and "no hold #9999 is waiting" in bad.text
    empty = api.post(f"/api/schools/{key}/holds/approve", json={"approved_by": "x"})
    assert empty.status_code == 422 and "name hold_ids or rules" in empty.text
    huge = api.post(
        f"/api/schools/{key}/holds/approve", json={"hold_ids": [2**63], "approved_by": "x"}
    )
    assert huge.status_code == 422
    ok = api.post(
        f"/api/schools/{key}/holds/approve",
        json={"hold_ids": [first["id"]], "approved_by": "Ms Patel"},
    )
    assert ok.json() == {"approved": [first["id"]], "applied": "by the next sync"}

    result = sync_school(engine, key, lambda *_: emptied, now=lambda: later[2])
    assert result.counts == {"class_membership": {"remove": 2}}
    assert sorted(h["subject"] for h in api.get(f"/api/schools/{key}/holds").json()) == [
        "7A/Ma2",
        "7A/Ma3",
    ]
    api.post(
        f"/api/schools/{key}/holds/approve",
        json={"rules": ["class_emptied"], "approved_by": "Ms Patel"},
    ).raise_for_status()
    assert sync_school(engine, key, lambda *_: emptied, now=lambda: later[3]).status == "success"
    assert api.get(f"/api/schools/{key}/holds").json() == []
