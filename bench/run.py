"""Benchmark: one 2,000-pupil sandbox school over loopback, against the floor.

    .venv/bin/python bench/run.py [--pupils 2000] [--repeats 3] [--postgres URL]

The sandbox runs in its own process (as Wonde would be another machine); each measurement runs
in a fresh process so peak memory is its own. Prints a Markdown table and writes it to its own
section of bench/results.md (`results_file.py`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import sqlalchemy as sa

from results_file import machine, write_section

HERE = Path(__file__).resolve().parent
SCHOOL_ID = "A1930499544"
TOKEN = "bench-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def sandbox(pupils: int) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "schoolsync",
            "sandbox",
            "serve",
            "--port",
            str(port),
            "--pupils",
            str(pupils),
            "--token",
            TOKEN,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}/v1.0/"
    try:
        for _ in range(600):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base_url, headers={"Authorization": f"Bearer {TOKEN}"}).is_success:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("the sandbox did not start")
        yield base_url
    finally:
        proc.terminate()
        proc.wait(10)


def fresh_database(kind: str, postgres: str | None, workdir: Path) -> str:
    from schoolsync.store.database import make_engine, upgrade

    if kind == "sqlite":
        url = f"sqlite:///{workdir / f'{uuid.uuid4().hex}.db'}"
    else:
        assert postgres
        name = f"schoolsync_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = postgres.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def drop_database(url: str, postgres: str | None) -> None:
    """Drop a database fresh_database created on PostgreSQL (a SQLite file goes with its folder)."""
    if not url.startswith("postgresql") or postgres is None:
        return
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextlib.contextmanager
def bench_database(kind: str, postgres: str | None, workdir: Path) -> Iterator[str]:
    """A fresh database for one measurement, dropped afterwards however the measurement ends."""
    url = fresh_database(kind, postgres, workdir)
    try:
        yield url
    finally:
        drop_database(url, postgres)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_floor(base_url: str, url: str) -> dict[str, float]:
    sys.path.insert(0, str(HERE))
    from floor import run_floor  # type: ignore[import-not-found]

    started = time.perf_counter()
    run_floor(base_url, SCHOOL_ID, TOKEN, url.removeprefix("sqlite:///"))
    return {"floor": time.perf_counter() - started, "floor_peak_mb": _peak_mb()}


def measure_sync(base_url: str, url: str) -> dict[str, float]:
    from cryptography.fernet import Fernet

    from schoolsync.config import Settings
    from schoolsync.pipeline import sync_school
    from schoolsync.sources.wonde.reader import wonde_reader
    from schoolsync.store.database import make_engine
    from schoolsync.store.schools import add_school

    settings = Settings(
        database_url=url, home=Path(tempfile.gettempdir()), secret_key=Fernet.generate_key()
    )
    engine = make_engine(url)
    with engine.begin() as conn:
        key = add_school(
            conn,
            name="Bench",
            now=_utc(),
            secret_key=settings.secret_key,
            wonde_school_id=SCHOOL_ID,
            api_base_url=base_url,
            token=TOKEN,
        ).key
    reader = wonde_reader(settings)
    results: dict[str, float] = {}

    def timed(name: str, **kw: bool) -> None:
        started = time.perf_counter()
        result = sync_school(engine, key, reader, **kw)
        results[name] = time.perf_counter() - started
        assert result.status != "failed", result.message
        results[f"{name}_changes"] = sum(sum(k.values()) for k in result.counts.values())

    timed("initial", full=True)
    timed("resync", full=True)
    applied = httpx.post(
        f"{base_url.removesuffix('v1.0/')}sandbox/schools/{SCHOOL_ID}/changes",
        json={"random": 20, "seed": int(time.time())},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    applied.raise_for_status()
    timed("incremental")
    results["peak_mb"] = _peak_mb()
    engine.dispose()
    return results


def _utc():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def _child(args: argparse.Namespace) -> None:
    if args.child == "floor":
        print(json.dumps(measure_floor(args.base_url, args.database_url)))
    else:
        print(json.dumps(measure_sync(args.base_url, args.database_url)))


def _in_child(kind: str, base_url: str, database_url: str) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--base-url",
            base_url,
            "--database-url",
            database_url,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "SCHOOLSYNC_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--base-url")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.child:
        _child(args)
        return

    rows = []
    where = machine()  # the load before the bench adds its own
    kinds = ["sqlite"] + ([] if args.no_postgres else ["postgresql"])
    with tempfile.TemporaryDirectory() as tmp, sandbox(args.pupils) as base_url:
        for kind in kinds:
            floors, syncs = [], []
            for _ in range(args.repeats):
                floor_db = fresh_database("sqlite", None, Path(tmp))
                floors.append(_in_child("floor", base_url, floor_db))
                with bench_database(kind, args.postgres, Path(tmp)) as database_url:
                    syncs.append(_in_child("sync", base_url, database_url))
            floor = statistics.median(f["floor"] for f in floors)
            median = {k: statistics.median(s[k] for s in syncs) for k in syncs[0]}
            rows.append((kind, floor, median))

    lines = [
        f"{args.pupils}-pupil sandbox school over loopback, median of {args.repeats} "
        f"(each in a fresh process). Machine: {where}.",
        "",
        "| store | floor (s) | full initial sync (s) | ratio | full re-sync, no changes (s) "
        "| ratio | incremental after 20 changes (s) | peak memory (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, floor, m in rows:
        lines.append(
            f"| {kind} | {floor:.2f} | {m['initial']:.2f} | {m['initial'] / floor:.2f}x "
            f"| {m['resync']:.2f} | {m['resync'] / floor:.2f}x | {m['incremental']:.3f} "
            f"| {m['peak_mb']:.0f} |"
        )
    lines.append("")
    lines.append("The floor always writes to SQLite (stdlib driver, one transaction, no diffing).")
    text = "\n".join(lines)
    print(text)
    write_section("sync", text)


if __name__ == "__main__":
    main()
