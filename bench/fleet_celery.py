"""The night of bench/fleet.py on the real distributed runner: `schoolsync worker` processes
(Celery, one sync at a time each) on Redis, fed by `schoolsync scheduler --once --all`, the
same job code, pace and locks as production. See bench/fleet.py for what is measured."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

BROKER = os.environ.get("SCHOOLSYNC_BENCH_BROKER_URL", "redis://127.0.0.1:6379/0")


def _stat(pid: int) -> tuple[float, float]:
    """(CPU seconds so far, peak RSS in MB) of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    status = Path(f"/proc/{pid}/status").read_text()
    peak = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return cpu, int(peak.split()[1]) / 1024


def celery_night(
    workers: int,
    database_url: str,
    home: Path,
    token: str,
    database_cpu_of: Callable[[str], float | None],
) -> dict[str, Any]:
    from schoolsync.store.database import make_engine
    from schoolsync.store.tables import people, sync_jobs, sync_runs

    env = {
        **os.environ,
        "SCHOOLSYNC_DATABASE_URL": database_url,
        "SCHOOLSYNC_HOME": str(home),
        "SCHOOLSYNC_WONDE_TOKEN": token,
        "SCHOOLSYNC_BROKER_URL": BROKER,
        # A queue (and pace keys) of its own: other work on this machine uses the same Redis.
        "SCHOOLSYNC_QUEUE": f"fleetbench-{uuid.uuid4().hex[:8]}",
        "SCHOOLSYNC_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "schoolsync", "worker", "--concurrency", "1", "--pool",
               "solo"]  # fmt: skip
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    engine = make_engine(database_url)
    try:
        time.sleep(8)  # the workers import, connect to Redis and start consuming
        before = {p.pid: _stat(p.pid)[0] for p in procs}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "schoolsync", "scheduler", "--once", "--all", "--json"],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        while True:
            with engine.connect() as conn:
                open_jobs = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(sync_jobs)
                    .where(sync_jobs.c.state.in_(("queued", "running")))
                ).scalar_one()
            if open_jobs == 0:
                break
            if any(p.poll() is not None for p in procs):
                raise RuntimeError("a worker stopped during the night")
            time.sleep(0.5)
        wall = time.perf_counter() - started
        stats = {p.pid: _stat(p.pid) for p in procs}
        database_cpu = database_cpu_of(database_url)
        with engine.connect() as conn:
            pupils = conn.execute(
                sa.select(sa.func.count()).select_from(people).where(people.c.role == "student")
            ).scalar_one()
            done = conn.execute(
                sa.select(sa.func.count(sa.distinct(sync_runs.c.school_id)))
            ).scalar_one()
            failed = conn.execute(
                sa.select(sa.func.count()).where(sync_runs.c.status == "failed")
            ).scalar_one()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        engine.dispose()
    return {
        "workers": workers,
        "wall": wall,
        "schools": int(done),
        "pupils": int(pupils),
        "failed": int(failed),
        "cpu": sum(stats[pid][0] - before[pid] for pid in stats),
        "peak_mb": max(peak for _cpu, peak in stats.values()),
        "database_cpu": database_cpu,
    }
