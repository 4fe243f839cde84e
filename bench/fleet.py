"""Benchmark: a night of autosync for a fleet of sandbox schools, with 1 and with 2 workers.

    .venv/bin/python bench/fleet.py [--schools 200] [--workers 1 2] [--runner celery]

The sandbox serves the fleet from its own process (`schoolsync sandbox serve --fleet N`: each
school a primary of 150-450 pupils with chance 60%, else a secondary of 800-2,000), as Wonde is
another machine. For each worker count the store (PostgreSQL) is new and empty and every school
is added; then the night: with `--runner celery` (the default) `schoolsync scheduler --once
--all` queues every school and that many `schoolsync worker` processes (Celery on Redis, one
sync at a time each: bench/fleet_celery.py) run them, as in production; with `--runner
processes` worker processes take schools from a multiprocessing queue and call the service
layer (`services.syncing.run_sync`), with no broker at all. Every school's sync is its first,
so full.

Reported: schools per minute and pupils per second (wall clock, first sync started to last
ended), client CPU seconds per 1,000 pupils (the workers' own user + system time, start-up
excluded), peak memory (RSS) of each worker, the sandbox's CPU, and the arithmetic for 20,000
schools on 4 cores. Results go to their own section of bench/results.md and of the README's
Speed section (`bench/results_file.py`: between `<!-- bench:fleet -->` markers).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import platform
import queue
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from fleet_celery import celery_night  # type: ignore[import-not-found]
from results_file import write_section  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOKEN = "fleet-bench-token"
#: The goal: a night of 20,000 schools in under an hour on 4 cores.
GOAL_SCHOOLS, GOAL_CORES, GOAL_SECONDS = 20_000, 4, 3600
#: The mix's expected pupils per school: 60% of mean 300, 40% of mean 1,400.
MEAN_PUPILS = 0.6 * 300 + 0.4 * 1400


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds_of(pid: int) -> float:
    """User + system CPU of another process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Sandbox:
    base_url: str
    pid: int
    schools: list[str]
    pupils: int


@contextlib.contextmanager
def fleet_sandbox(schools: int, seed: int) -> Iterator[Sandbox]:
    port = _free_port()
    command = [sys.executable, "-m", "schoolsync", "sandbox", "serve", "--port", str(port),
               "--fleet", str(schools), "--seed", str(seed), "--token", TOKEN]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/v1.0/"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        for _ in range(6000):  # generating 200 schools takes a minute or two
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base_url, headers=headers).is_success:
                    break
            if proc.poll() is not None:
                raise RuntimeError("the sandbox stopped while starting")
            time.sleep(0.1)
        else:
            raise RuntimeError("the sandbox did not start")
        ids: list[str] = []
        page = 1
        while True:
            body = httpx.get(
                f"{base_url}schools", params={"per_page": 200, "page": page}, headers=headers
            ).json()
            ids += [school["id"] for school in body["data"]]
            if not body.get("meta", {}).get("pagination", {}).get("more"):
                break
            page += 1
        pupils = sum(
            httpx.get(f"{base_url}schools/{school_id}/counts", params={"include": "students"},
                      headers=headers).json()["data"]["students"]["data"]["count"]
            for school_id in ids
        )  # fmt: skip
        yield Sandbox(base_url, proc.pid, ids, pupils)
    finally:
        proc.terminate()
        proc.wait(10)


def fresh_database(kind: str, postgres: str, workdir: Path) -> str:
    from schoolsync.store.database import make_engine, upgrade

    if kind == "sqlite":
        url = f"sqlite:///{workdir / f'{uuid.uuid4().hex}.db'}"
    else:
        name = f"schoolsync_fleet_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = postgres.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def drop_database(url: str, postgres: str) -> None:
    if not url.startswith("postgresql"):
        return
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def settings_for(database_url: str, home: Path) -> Any:
    from schoolsync.config import Settings

    # Every process of one night shares the home, so the key that encrypts the token too.
    env = {"SCHOOLSYNC_DATABASE_URL": database_url, "SCHOOLSYNC_HOME": str(home),
           "SCHOOLSYNC_WONDE_TOKEN": TOKEN}  # fmt: skip
    return Settings.from_env(env)


def add_schools(database_url: str, home: Path, sandbox: Sandbox) -> list[str]:
    import datetime as dt

    from schoolsync.services.schools import add_school
    from schoolsync.services.store import engine_for

    settings = settings_for(database_url, home)
    engine = engine_for(settings)
    now = dt.datetime.now(dt.UTC)
    keys = [
        add_school(engine, settings, name=f"Fleet school {school_id}", now=now,
                   wonde_school_id=school_id, wonde_url=sandbox.base_url).key
        for school_id in sandbox.schools
    ]  # fmt: skip
    engine.dispose()
    return keys


def worker(database_url: str, home: str, keys: Any, results: Any, finish: Any) -> None:
    """One worker process: sync schools from the shared queue until it is empty."""
    from schoolsync.services.store import engine_for
    from schoolsync.services.syncing import run_sync

    settings = settings_for(database_url, Path(home))
    engine = engine_for(settings)
    started = resource.getrusage(resource.RUSAGE_SELF)
    done, pupils, failed = 0, 0, 0
    while True:
        try:
            key = keys.get_nowait()
        except queue.Empty:
            break
        outcome = run_sync(engine, settings, key, full=True)
        done += 1
        if outcome.result.status == "failed":
            failed += 1
        pupils += outcome.result.counts.get("student", {}).get("create", 0)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage.ru_utime - started.ru_utime) + (usage.ru_stime - started.ru_stime)
    results.put({"schools": done, "pupils": pupils, "failed": failed, "cpu": cpu,
                 "peak_mb": usage.ru_maxrss / 1024})  # fmt: skip
    finish.wait(120)  # keep the database connections open until their CPU is read
    engine.dispose()


def night(workers: int, database_url: str, home: Path, sandbox: Sandbox) -> dict[str, Any]:
    keys = add_schools(database_url, home, sandbox)
    context = multiprocessing.get_context("spawn")
    todo, results, finish = context.Queue(), context.Queue(), context.Event()
    for key in keys:
        todo.put(key)
    processes = [
        context.Process(target=worker, args=(database_url, str(home), todo, results, finish))
        for _ in range(workers)
    ]
    sandbox_cpu = _cpu_seconds_of(sandbox.pid)
    started = time.perf_counter()
    for process in processes:
        process.start()
    reports = [results.get() for _ in processes]
    wall = time.perf_counter() - started
    database_cpu = backends_cpu(database_url)
    finish.set()
    for process in processes:
        process.join()
    return {
        "workers": workers,
        "wall": wall,
        "schools": sum(r["schools"] for r in reports),
        "pupils": sum(r["pupils"] for r in reports),
        "failed": sum(r["failed"] for r in reports),
        "cpu": sum(r["cpu"] for r in reports),
        "peak_mb": max(r["peak_mb"] for r in reports),
        "sandbox_cpu": _cpu_seconds_of(sandbox.pid) - sandbox_cpu,
        "database_cpu": database_cpu,
    }


def backends_cpu(database_url: str) -> float | None:
    """CPU of the PostgreSQL backends serving the night's database (the server runs on this
    machine); None for SQLite, whose work is inside the workers' own CPU."""
    if not database_url.startswith("postgresql"):
        return None
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        pids = conn.execute(
            sa.text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalars()
        total = 0.0
        for pid in pids:
            with contextlib.suppress(OSError):
                total += _cpu_seconds_of(int(pid))
    engine.dispose()
    return total


def report(rows: list[dict[str, Any]], args: argparse.Namespace, fleet_pupils: int) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        f"`.venv/bin/python bench/fleet.py --schools {args.schools} --runner {args.runner}`: "
        f"{args.schools} sandbox schools ({fleet_pupils:,} pupils; each a primary of 150-450 "
        "with chance 60%, else a secondary of 800-2,000), each school's full first sync into "
        f"{args.store}, "
        + (
            "queued by `schoolsync scheduler --once --all` and run by `schoolsync worker` "
            "processes (Celery on Redis, one sync at a time each). "
            if args.runner == "celery"
            else "worker processes taking schools from one queue and calling the service layer. "
        )
        + f"Machine: "
        f"{machine}, shared with other work (load average {os.getloadavg()[0]:.1f} at the end); "
        "the sandbox and the database run on the same 2 cores. *Pupils* are the pupils synced "
        "(a few are left out with issues, as the generator means them to be).",
        "",
        "| workers | wall (s) | schools/min | pupils/s | worker CPU s per 1,000 pupils "
        "| workers busy | peak RSS per worker (MB) | database CPU s per 1,000 pupils "
        "| sandbox CPU (s) | failed |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        db = "-" if r["database_cpu"] is None else f"{r['database_cpu'] / r['pupils'] * 1000:.2f}"
        busy = r["cpu"] / (r["wall"] * r["workers"])
        lines.append(
            f"| {r['workers']} | {r['wall']:.0f} | {r['schools'] / r['wall'] * 60:.1f} "
            f"| {r['pupils'] / r['wall']:.0f} | {r['cpu'] / r['pupils'] * 1000:.2f} "
            f"| {busy:.0%} | {r['peak_mb']:.0f} | {db} | {r['sandbox_cpu']:.0f} "
            f"| {r['failed']} |"
        )
    lines += ["", *arithmetic(rows)]
    return "\n".join(lines)


def arithmetic(rows: list[dict[str, Any]]) -> list[str]:
    """A night of 20,000 schools from the CPU each pupil costs (the worst row: the wall clock
    on a shared machine says more about the neighbours than about schoolsync)."""
    night_pupils = GOAL_SCHOOLS * MEAN_PUPILS
    worker = max(r["cpu"] / r["pupils"] for r in rows) * 1000
    database = max((r["database_cpu"] or 0) / r["pupils"] for r in rows) * 1000
    hours = {
        "workers": night_pupils / 1000 * worker / 3600 / GOAL_CORES,
        "both": night_pupils / 1000 * (worker + database) / 3600 / GOAL_CORES,
    }
    text = [
        f"For {GOAL_SCHOOLS:,} schools of this mix (about {MEAN_PUPILS:.0f} pupils each, "
        f"{night_pupils / 1e6:.1f} million pupils): {worker:.2f} worker CPU s per 1,000 pupils "
        f"x {night_pupils / 1000:,.0f} thousand pupils / {GOAL_CORES} cores = "
        f"**{hours['workers']:.2f} hours** with the database on a machine of its own"
    ]
    if database:
        text.append(
            f", or {hours['both']:.2f} hours with PostgreSQL ({database:.2f} CPU s per 1,000 "
            f"pupils) on the same {GOAL_CORES} cores"
        )
    verdict = "within" if hours["workers"] <= 1 else "over"
    text.append(
        f": {verdict} the goal of 1 hour, if the workers keep their cores busy (the "
        "*workers busy* column says how much of the wall clock they had a core for here). "
        "Full first syncs are the worst case: a night's re-sync of an unchanged school costs "
        "less than half of a first sync (the 2,000-pupil benchmark above), an incremental "
        "one much less."
    )
    return ["".join(text)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--store", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--runner", choices=["celery", "processes"], default="celery")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "SCHOOLSYNC_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp, fleet_sandbox(args.schools, args.seed) as box:
        print(f"sandbox ready: {len(box.schools)} schools, {box.pupils} pupils", flush=True)
        for workers in args.workers:
            home = Path(tmp) / f"home-{workers}"
            home.mkdir()
            url = fresh_database(args.store, args.postgres, home)
            try:
                if args.runner == "celery":
                    add_schools(url, home, box)
                    sandbox_cpu = _cpu_seconds_of(box.pid)
                    row = celery_night(workers, url, home, TOKEN, backends_cpu)
                    row["sandbox_cpu"] = _cpu_seconds_of(box.pid) - sandbox_cpu
                else:
                    row = night(workers, url, home, box)
                rows.append(row)
            finally:
                drop_database(url, args.postgres)
            print(rows[-1], flush=True)
    text = report(rows, args, box.pupils)
    print(text)
    if not args.no_write:
        write_section("fleet", text)
        write_section("fleet", text, ROOT / "README.md")


if __name__ == "__main__":
    main()
