"""Attendance write-back: how long a mark takes from sign-in to confirmed by the MIS, and how
fast a morning burst goes through.

    .venv/bin/python bench/writeback.py [--burst 1000] [--trickle 100] [--mis-delay 1.0]
                                        [--no-postgres]

The sandbox runs in its own process (as in bench/run.py) with a 1,100-pupil school; the MIS
"takes" each write-back `--mis-delay` seconds after accepting it (the connector's own delay,
which no client can shorten). The sender is `schoolsync serve`'s: a pass every 2 s.

- trickle: one sign-in every 0.3 s while the sender runs; latency = confirmed_at - signed in.
- burst: `--burst` sign-ins as fast as reception can record them (one transaction each), the
  sender running throughout; throughput = marks / (first sign-in to last confirmation).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.config import Settings
from schoolsync.jobs.writeback_sender import EVERY_SECONDS, WritebackSender
from schoolsync.pipeline import sync_school
from schoolsync.services import attendance
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store.attendance_tables import attendance_marks
from schoolsync.store.database import make_engine
from schoolsync.store.schools import add_school
from schoolsync.store.tables import people

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import SCHOOL_ID, TOKEN, bench_database, sandbox

HERE = Path(__file__).resolve().parent
POSTGRES = os.environ.get(
    "SCHOOLSYNC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def prepare(url: str, base_url: str, workdir: Path) -> tuple[sa.Engine, Settings, str, list[str]]:
    settings = Settings(database_url=url, home=workdir, secret_key=Fernet.generate_key())
    engine = make_engine(url)
    with engine.begin() as conn:
        key = add_school(
            conn, name="Bench school", now=utcnow(), secret_key=settings.secret_key,
            wonde_school_id=SCHOOL_ID, api_base_url=base_url, token=TOKEN,
        ).key  # fmt: skip
    sync_school(engine, key, wonde_reader(settings))
    attendance.refresh_codes(engine, settings, key, utcnow())
    with engine.connect() as conn:
        pupils = (
            conn.execute(
                sa.select(people.c.mis_id)
                .where(people.c.role == "student", people.c.status == "active")
                .order_by(people.c.id)
            )
            .scalars()
            .all()
        )
    return engine, settings, key, [str(p) for p in pupils]


def sign_in(engine: sa.Engine, settings: Settings, key: str, pupil: str) -> None:
    # Early leavers: they are valid at any hour the benchmark runs (a "late arrival" at 10 pm
    # would be hundreds of minutes late); the path to the MIS is the same.
    attendance.sign_in(
        engine, settings, key, pupil=pupil, direction="early", reason="M", now=utcnow(),
        by="bench",
    )  # fmt: skip


def wait_confirmed(engine: sa.Engine, count: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            done = conn.execute(
                sa.select(sa.func.count()).where(attendance_marks.c.status == "confirmed")
            ).scalar_one()
        if done >= count:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {done} of {count} confirmed")
        time.sleep(0.1)


def latencies(engine: sa.Engine) -> tuple[list[float], dt.datetime, dt.datetime]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(attendance_marks.c.created_at, attendance_marks.c.confirmed_at)
        ).all()
    pairs = [(_utc(r.created_at), _utc(r.confirmed_at)) for r in rows]
    return (
        [(done - made).total_seconds() for made, done in pairs],
        min(made for made, _ in pairs),
        max(done for _, done in pairs),
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def clear(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(attendance_marks))


def measure(url: str, base_url: str, args: argparse.Namespace, workdir: Path) -> dict[str, float]:
    engine, settings, key, pupils = prepare(url, base_url, workdir)
    sender = WritebackSender(engine, settings)
    sender.start()
    try:
        for pupil in pupils[: args.trickle]:
            sign_in(engine, settings, key, pupil)
            time.sleep(0.3)
        wait_confirmed(engine, args.trickle)
        trickle, _first, _last = latencies(engine)
        clear(engine)
        started = time.perf_counter()
        for pupil in pupils[: args.burst]:
            sign_in(engine, settings, key, pupil)
        recorded = time.perf_counter() - started
        wait_confirmed(engine, args.burst)
        burst, first, last = latencies(engine)
    finally:
        sender.stop()
        engine.dispose()
    span = (last - first).total_seconds()
    return {
        "trickle_median": statistics.median(trickle),
        "trickle_p95": p95(trickle),
        "burst_median": statistics.median(burst),
        "burst_p95": p95(burst),
        "burst_span": span,
        "burst_throughput": args.burst / span,
        "signins_per_second": args.burst / recorded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--trickle", type=int, default=100)
    parser.add_argument("--mis-delay", type=float, default=1.0)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    kinds = ["sqlite"] if args.no_postgres else ["sqlite", "postgresql"]
    results = {}
    with sandbox(max(1100, args.burst + 50)) as base_url, tempfile.TemporaryDirectory() as tmp:
        httpx.post(
            base_url.replace("/v1.0/", f"/sandbox/schools/{SCHOOL_ID}/writebacks"),
            json={"completes_after": args.mis_delay},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ).raise_for_status()
        for kind in kinds:
            postgres = POSTGRES if kind == "postgresql" else None
            with bench_database(kind, postgres, Path(tmp)) as url:
                results[kind] = measure(url, base_url, args, Path(tmp))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        f"Attendance write-back, sandbox MIS taking each write-back {args.mis_delay:g} s after "
        f"accepting it, sender pass every {EVERY_SECONDS:g} s. Machine: {machine}.",
        "",
        "| store | sign-in to confirmed, median (s) | p95 (s) | burst of "
        f"{args.burst}: median (s) | p95 (s) | all confirmed in (s) | throughput (marks/s) "
        "| sign-ins recorded per s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, r in results.items():
        lines.append(
            f"| {kind} | {r['trickle_median']:.2f} | {r['trickle_p95']:.2f} | "
            f"{r['burst_median']:.2f} | {r['burst_p95']:.2f} | {r['burst_span']:.1f} | "
            f"{r['burst_throughput']:.0f} | {r['signins_per_second']:.0f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    (HERE / "writeback.md").write_text(text)


if __name__ == "__main__":
    main()
