"""How much server time the sandbox spends on one full sync of the 2,000-pupil school.

The sandbox must be fast enough to benchmark a sync engine against: its own share of a full
sync should stay well under a second. A measurement, not a test (timings vary by machine):

    .venv/bin/python bench/sandbox_speed.py
"""

from __future__ import annotations

import time

import httpx

from schoolsync.sandbox import Sandbox, running_sandbox

SCHOOL_ID = "A1930499544"
TOKEN = "sandbox-token"
FULL_SYNC = {
    "students": "education_details,extended_details,contact_details,year,registration,house,"
    "contacts,contacts.contact_details,sen_needs,attendance_summary",
    "employees": "employment_details,contact_details",
    "classes": "subject,students,employees",
    "groups": "students,employees",
    "subjects": "",
}


def main() -> None:
    sandbox = Sandbox.demo(seed=1, pupils=2000, token=TOKEN)
    with (
        running_sandbox(sandbox) as base_url,
        httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}) as api,
    ):
        server_before, started = sandbox.server_seconds, time.perf_counter()
        records = 0
        for kind, include in FULL_SYNC.items():
            params = {"per_page": "200", **({"include": include} if include else {})}
            response = api.get(f"schools/{SCHOOL_ID}/{kind}", params=params)
            while True:
                response.raise_for_status()
                body = response.json()
                records += len(body["data"])
                if body["meta"]["pagination"]["next"] is None:
                    break
                response = api.get(body["meta"]["pagination"]["next"])
        server = sandbox.server_seconds - server_before
        wall = time.perf_counter() - started
    print(f"full sync: {records} records, server {server:.3f} s, wall (with client) {wall:.3f} s")


if __name__ == "__main__":
    main()
