"""The sandbox must be fast enough to benchmark a sync engine against a 2,000-pupil school."""

from __future__ import annotations

import time

import httpx
import pytest

from .helpers import BIG_SCHOOL_ID, Served

FULL_SYNC = {
    "students": "education_details,extended_details,contact_details,year,registration,house,"
    "contacts,contacts.contact_details,sen_needs,attendance_summary",
    "employees": "employment_details,contact_details",
    "classes": "subject,students,employees",
    "groups": "students,employees",
    "subjects": "",
}


@pytest.mark.slow
def test_a_full_sync_of_2000_pupils_costs_well_under_a_second_of_server_time(
    served: Served, api: httpx.Client
) -> None:
    sandbox = served.sandbox
    server_before, started = sandbox.server_seconds, time.perf_counter()
    records = 0
    for kind, include in FULL_SYNC.items():
        params = {"per_page": "200", **({"include": include} if include else {})}
        response = api.get(f"schools/{BIG_SCHOOL_ID}/{kind}", params=params)
        while True:
            assert response.headers["Server-Timing"].startswith("app;dur=")
            body = response.json()
            records += len(body["data"])
            if body["meta"]["pagination"]["next"] is None:
                break
            response = api.get(body["meta"]["pagination"]["next"])
    server = sandbox.server_seconds - server_before
    wall = time.perf_counter() - started
    print(f"full sync: {records} records, server {server:.3f}s, wall (with client) {wall:.3f}s")
    assert records > 3000
    assert server < 1.0
