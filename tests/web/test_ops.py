"""/healthz, /readyz and /metrics over real HTTP: no login, no school's data, and figures read
from the database (right whichever process made the runs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from schoolsync.serving import serving_in_thread
from schoolsync.store.attendance_tables import attendance_marks
from schoolsync.store.database import make_engine
from schoolsync.store.tables import people, schools, sync_jobs, sync_runs
from schoolsync.web.app import create_web_app
from tests.fleet_seed import EXPECTED, FLEET, NOW, seed_fleet


@contextmanager
def serving(engine: sa.Engine) -> Iterator[httpx.Client]:
    def no_mis() -> Any:
        raise AssertionError("nothing here reads a MIS")

    app = create_web_app(engine, no_mis, clock=lambda: NOW)
    with (
        serving_in_thread(app, name="web app") as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client,
    ):
        yield client


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_count_runs_and_schools_from_the_database(engine: sa.Engine) -> None:
    seed_fleet(engine)
    with serving(engine) as client:
        response = client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        got = samples(response.text)
        assert got[("schoolsync_database_up", ())] == 1
        assert got[("schoolsync_schools_registered", ())] == len(FLEET)
        for state, names in EXPECTED.items():
            assert got[("schoolsync_schools", (("health", state),))] == len(names)
        runs = {"success": 4, "failed": 1, "needs_approval": 1, "running": 0, "paused": 0}
        for status, count in runs.items():
            assert got[("schoolsync_runs", (("status", status),))] == count
        # durations 30, 40, 2, 50, 20, 20 seconds (tests/fleet_seed.py)
        histogram = "schoolsync_run_duration_seconds"
        assert got[(f"{histogram}_count", ())] == 6
        assert got[(f"{histogram}_bucket", (("le", "10.0"),))] == 1
        assert got[(f"{histogram}_bucket", (("le", "60.0"),))] == 6
        assert abs(got[(f"{histogram}_sum", ())] - 162) < 0.01
        # Only counts: no school is named.
        with engine.connect() as conn:
            names = conn.execute(sa.select(schools.c.key, schools.c.name)).all()
        assert not any(key in response.text or name in response.text for key, name in names)

        # A run another process starts now is in the very next scrape.
        with engine.begin() as conn:
            conn.execute(
                sa.insert(sync_runs).values(
                    school_id=sa.select(sa.func.min(schools.c.id)).scalar_subquery(),
                    trigger="scheduled", source="wonde", mode="full", status="running",
                    started_at=NOW, counts={},
                )
            )  # fmt: skip
        again = samples(client.get("/metrics").text)
        assert again[("schoolsync_runs", (("status", "running"),))] == 1


def test_health_and_readiness_of_a_migrated_store(engine: sa.Engine) -> None:
    with serving(engine) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


def test_an_unmigrated_or_unreachable_store_is_not_ready(tmp_path: Path) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    with serving(empty) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "schema is at none" in ready.json()["problems"][0]
    gone = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with serving(gone) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "cannot be reached" in ready.json()["problems"][0]
        metrics = samples(client.get("/metrics").text)
        assert metrics[("schoolsync_database_up", ())] == 0


def test_queue_depth_counts_jobs_due_and_waiting(engine: sa.Engine) -> None:
    seed_fleet(engine)
    hour = dt.timedelta(hours=1)
    with engine.begin() as conn:
        ids = list(conn.execute(sa.select(schools.c.id).order_by(schools.c.id)).scalars())
        for n, (state, due) in enumerate(
            [("queued", NOW - 2 * hour), ("queued", NOW - hour), ("queued", NOW + 5 * hour),
             ("running", NOW - hour), ("done", NOW - 9 * hour)]
        ):  # fmt: skip
            conn.execute(
                sa.insert(sync_jobs).values(
                    school_id=ids[n], trigger="scheduled", slot="night:2026-11-24",
                    state=state, due_at=due, created_at=NOW - 10 * hour,
                )
            )  # fmt: skip
    with serving(engine) as client:
        got = samples(client.get("/metrics").text)
    assert got[("schoolsync_queue_depth", ())] == 2
    assert got[("schoolsync_queue_oldest_wait_seconds", ())] == 7200
    assert got[("schoolsync_queue_running", ())] == 1
    assert got[("schoolsync_queue_later", ())] == 1


def test_write_back_lag_is_the_oldest_mark_not_yet_in_the_mis(engine: sa.Engine) -> None:
    seed_fleet(engine)
    minute = dt.timedelta(minutes=1)
    with engine.begin() as conn:
        school_id = conn.execute(sa.select(sa.func.min(schools.c.id))).scalar_one()
        person_id = conn.execute(
            sa.insert(people)
            .values(school_id=school_id, family="student", role="student", forename="A",
                    surname="B", created_at=NOW, updated_at=NOW)
            .returning(people.c.id)
        ).scalar_one()  # fmt: skip
        for status, age in (("queued", 30), ("sent", 10), ("confirmed", 120)):
            conn.execute(
                sa.insert(attendance_marks).values(
                    school_id=school_id, person_id=person_id, student_id="S1", direction="in",
                    occurred_at=NOW - age * minute, mark_date=NOW.date(), session="AM",
                    reason="Late", code="L", code_id="c1", comment="", status=status,
                    next_attempt_at=NOW, created_by="office@school.example",
                    created_at=NOW - age * minute,
                )
            )  # fmt: skip
    with serving(engine) as client:
        got = samples(client.get("/metrics").text)
    assert got[("schoolsync_writeback_lag_seconds", ())] == 1800
    for status, count in (("queued", 1), ("sent", 1), ("confirmed", 1), ("failed", 0)):
        assert got[("schoolsync_writeback_marks", (("status", status),))] == count
