"""Web pages at scale: the schools overview with 20,000 schools (each with 10 runs, some with
changes waiting for approval), rendered over real HTTP by the real app.

    .venv/bin/python bench/web_pages.py [--schools 20000] [--repeats 20] [--no-postgres]

Times the first page, a page deep in the list (keyset: `after_name`/`after_id`), a search by
name, a search by URN and a status filter; median and worst of `--repeats` requests each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from results_file import machine, write_section
from run import bench_database
from schoolsync.serving import serving_in_thread
from schoolsync.store import accounts
from schoolsync.store.database import make_engine
from schoolsync.store.tables import holds, schools, sync_runs
from schoolsync.web.app import create_web_app

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
STATUSES = ["success"] * 6 + ["issues_exist"] * 3 + ["failed"]
PASSWORD = "benchmark password"


def seed(engine: sa.Engine, count: int, runs_each: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schools),
            [
                {"key": f"sch_{n:08x}", "name": f"School {n * 7919 % count:05d}",
                 "urn": f"{100000 + n}", "source_kind": "wonde", "settings": {},
                 "created_at": NOW}
                for n in range(count)
            ],
        )  # fmt: skip
        ids = list(conn.execute(sa.select(schools.c.id).order_by(schools.c.id)).scalars())
        for round_ in range(runs_each):
            conn.execute(
                sa.insert(sync_runs),
                [
                    {"school_id": i, "trigger": "scheduled", "source": "wonde", "mode": "full",
                     "status": STATUSES[(i + round_) % len(STATUSES)], "started_at": NOW,
                     "finished_at": NOW, "counts": {}, "issue_count": i % 7}
                    for i in ids
                ],
            )  # fmt: skip
        held = ids[::50]
        first_run = {
            r.school_id: r.id
            for r in conn.execute(
                sa.select(sync_runs.c.school_id, sa.func.min(sync_runs.c.id).label("id"))
                .where(sync_runs.c.school_id.in_(held))
                .group_by(sync_runs.c.school_id)
            )
        }
        conn.execute(
            sa.insert(holds),
            [
                {"school_id": i, "run_id": first_run[i], "rule": "class_gone", "subject": "7A",
                 "message": "7A would be removed", "losses": {}, "changes": [],
                 "fingerprint": "f", "status": "pending", "created_at": NOW}
                for i in held
            ],
        )  # fmt: skip
        accounts.add_user(conn, email="bench@vendor.example", role="vendor-admin",
                          password=PASSWORD, now=NOW)  # fmt: skip


def timed(client: httpx.Client, path: str, params: dict[str, Any], repeats: int) -> list[float]:
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(path, params=params)
        seconds.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text[:300]
    return seconds


def measure(url: str, count: int, repeats: int) -> dict[str, list[float]]:
    engine = make_engine(url)
    seed(engine, count, runs_each=10)
    app = create_web_app(engine, lambda: None)  # type: ignore[arg-type, return-value]
    results: dict[str, list[float]] = {}
    with (
        serving_in_thread(app, name="web app") as port,
        httpx.Client(
            base_url=f"http://127.0.0.1:{port}", follow_redirects=True, timeout=60
        ) as client,
    ):
        form = client.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf
        client.post("/login", data={"email": "bench@vendor.example", "password": PASSWORD,
                                    "csrf_token": csrf.group(1)})  # fmt: skip
        deep = {"after_name": f"School {count - 60:05d}", "after_id": "1"}
        cases = {
            "first page": {},
            "a page near the end": deep,
            "search by name": {"q": "school 1234"},
            "search by URN": {"q": str(100000 + count // 2)},
            "status filter (failed)": {"status": "failed"},
        }
        for name, params in cases.items():
            results[name] = timed(client, "/schools", params, repeats)
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schools", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "SCHOOLSYNC_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    kinds = ["sqlite"] + ([] if args.no_postgres else ["postgresql"])
    lines = [
        f"Schools overview, {args.schools} schools x 10 runs, {args.repeats} requests each"
        f" (median and worst). Machine: {machine()}.",
        "",
        "| store | page | median (ms) | worst (ms) |",
        "|---|---|---|---|",
    ]
    print("\n".join(lines))
    with tempfile.TemporaryDirectory() as workdir:
        for kind in kinds:
            with bench_database(kind, args.postgres, Path(workdir)) as url:
                measured = measure(url, args.schools, args.repeats)
            for name, seconds in measured.items():
                lines.append(f"| {kind} | {name} | {statistics.median(seconds) * 1000:.0f} | "
                             f"{max(seconds) * 1000:.0f} |")  # fmt: skip
                print(lines[-1])
    write_section("web-pages", "\n".join(lines))


if __name__ == "__main__":
    main()
