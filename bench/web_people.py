"""Web pages at scale: People with 2,000 pupils (plus staff and contacts) and Classes, rendered
over real HTTP by the real app.

    .venv/bin/python bench/web_people.py [--pupils 2000] [--repeats 20] [--no-postgres]

Times People's first page, a page near the end (keyset: `after_name`/`after_id`), a search by
name, a role filter, a person's page and the Classes page; median and worst of `--repeats`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
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
from schoolsync.store.tables import class_memberships, classes, people, schools
from schoolsync.web.app import create_web_app
from web_pages import PASSWORD, timed

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
CLASS_SIZE = 25


def seed(engine: sa.Engine, pupils: int) -> tuple[str, int]:
    """One school: `pupils` pupils, a teacher per 15 pupils, two contacts each, classes of 25."""
    teachers = max(pupils // 15, 1)
    with engine.begin() as conn:
        school_id = conn.execute(
            sa.insert(schools).values(key="sch_bench", name="Bench Academy", urn="100001",
                                      source_kind="wonde", settings={}, created_at=NOW)
        ).inserted_primary_key[0]  # fmt: skip
        rows: list[dict[str, Any]] = []
        for family, role, count in (("pupil", "student", pupils), ("employee", "teacher", teachers),
                                    ("contact", "contact", pupils * 2)):  # fmt: skip
            rows += [
                {"school_id": school_id, "family": family, "role": role,
                 "source_id": f"{role}{n}", "mis_id": f"{role[0]}{n}",
                 "forename": f"Forename{n % 97}", "surname": f"Surname{n * 7919 % count:05d}",
                 "year_group": str(7 + n % 5) if role == "student" else None,
                 "status": "left" if n % 40 == 0 else "active",
                 "created_at": NOW, "updated_at": NOW}
                for n in range(count)
            ]  # fmt: skip
        conn.execute(sa.insert(people), rows)
        ids = {
            role: list(conn.execute(sa.select(people.c.id).where(people.c.role == role)).scalars())
            for role in ("student", "teacher")
        }
        count = pupils // CLASS_SIZE
        conn.execute(
            sa.insert(classes),
            [{"school_id": school_id, "source_id": f"K{n}", "mis_id": f"m{n}",
              "name": f"{7 + n % 5}{'ABCDEFGH'[n % 8]}/Ma{n}", "year_group": str(7 + n % 5),
              "created_at": NOW, "updated_at": NOW} for n in range(count)],
        )  # fmt: skip
        class_ids = list(conn.execute(sa.select(classes.c.id).order_by(classes.c.id)).scalars())
        conn.execute(
            sa.insert(class_memberships),
            [{"school_id": school_id, "class_id": class_ids[n // CLASS_SIZE], "person_id": p,
              "role": "student"} for n, p in enumerate(ids["student"][: count * CLASS_SIZE])]
            + [{"school_id": school_id, "class_id": c, "person_id": ids["teacher"][n % teachers],
                "role": "teacher"} for n, c in enumerate(class_ids)],
        )  # fmt: skip
        accounts.add_user(conn, email="bench@vendor.example", role="vendor-admin",
                          password=PASSWORD, now=NOW)  # fmt: skip
    return "sch_bench", ids["student"][pupils // 2]


def measure(url: str, pupils: int, repeats: int) -> dict[str, list[float]]:
    engine = make_engine(url)
    key, someone = seed(engine, pupils)
    app = create_web_app(engine, lambda: None)  # type: ignore[arg-type, return-value]
    results: dict[str, list[float]] = {}
    with (
        serving_in_thread(app, name="web app") as port,
        httpx.Client(
            base_url=f"http://127.0.0.1:{port}", follow_redirects=True, timeout=60
        ) as client,  # fmt: skip
    ):
        form = client.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf
        client.post("/login", data={"email": "bench@vendor.example", "password": PASSWORD,
                                    "csrf_token": csrf.group(1)})  # fmt: skip
        near_end = {"role": "student", "after_name": "Surname01990 Forename0", "after_id": "1"}
        cases = {
            "People: first page (everyone)": (f"/schools/{key}/people", {}),
            "People: a page near the end (pupils)": (f"/schools/{key}/people", near_end),
            "People: search by name": (f"/schools/{key}/people", {"q": "surname0123"}),
            "People: teachers only": (f"/schools/{key}/people", {"role": "teacher"}),
            "A person's page": (f"/schools/{key}/people/{someone}", {}),
            "Classes: first page": (f"/schools/{key}/classes", {}),
        }
        for name, (path, params) in cases.items():
            results[name] = timed(client, path, params, repeats)
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=2000)
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
        f"People and Classes, {args.pupils} pupils, {args.repeats} requests each"
        f" (median and worst). Machine: {machine()}.",
        "",
        "| store | page | median (ms) | worst (ms) |",
        "|---|---|---|---|",
    ]
    print("\n".join(lines))
    with tempfile.TemporaryDirectory() as workdir:
        for kind in kinds:
            with bench_database(kind, args.postgres, Path(workdir)) as url:
                measured = measure(url, args.pupils, args.repeats)
            for name, seconds in measured.items():
                lines.append(f"| {kind} | {name} | {statistics.median(seconds) * 1000:.0f} | "
                             f"{max(seconds) * 1000:.0f} |")  # fmt: skip
                print(lines[-1])
    write_section("web-people", "\n".join(lines))


if __name__ == "__main__":
    main()
