"""CLI start-up: how long `schoolsync --help` and `schoolsync history KEY` take, as a person
runs them (a fresh process each time, against a store on the embedded default, SQLite).

    .venv/bin/python bench/startup.py [--repeats 15]

Targets on the reference machine: `--help` under 0.25 s, `history KEY` under 0.5 s. Each figure
is the median of the runs; the minimum and the median CPU time (user + system, of the child) are
printed too: on a busy machine they are the steadier ones. To measure another checkout, run it as
a module from there: `PYTHONPATH=OTHER/src .venv/bin/python bench/startup.py --module`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_file import machine, write_section

TARGETS = {"schoolsync --help": 0.25, "schoolsync history KEY": 0.5}


COMMAND: list[str] = []


def command(as_module: bool) -> list[str]:
    """The installed `schoolsync` script beside this Python, as a user runs it."""
    script = Path(sys.executable).parent / "schoolsync"
    if script.exists() and not as_module:
        return [str(script)]
    return [sys.executable, "-m", "schoolsync"]


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*COMMAND, *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(env: dict[str, str], args: list[str], repeats: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run."""
    run(env, *args)  # warm the file cache and the bytecode
    wall, cpu = [], []
    for _ in range(repeats):
        cpu_before, started = children_cpu(), time.perf_counter()
        run(env, *args)
        wall.append(time.perf_counter() - started)
        cpu.append(children_cpu() - cpu_before)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--module", action="store_true", help="run `python -m schoolsync`")
    args = parser.parse_args()
    COMMAND[:] = command(args.module)
    where = machine()  # the load before the bench adds its own
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        env = {**os.environ, "SCHOOLSYNC_HOME": str(home / "home")}
        env.pop("SCHOOLSYNC_DATABASE_URL", None)
        key = run(env, "school", "add", "--name", "Bench Academy").split()[-1]
        ctf = home / "school.xml"
        run(env, "sandbox", "ctf", "--pupils", "300", "--output", str(ctf))
        for _ in range(3):  # a few runs for the history to list
            run(env, "import", key, str(ctf), "--json")
        figures = {
            "schoolsync --help": timed(env, ["--help"], args.repeats),
            "schoolsync history KEY": timed(env, ["history", key], args.repeats),
        }
    lines = [
        f"CLI start-up, {args.repeats} runs each (fresh process). Machine: {where}.",
        "",
        "| command | median (s) | min (s) | median CPU (s) | target (s) |",
        "|---|---|---|---|---|",
    ]
    for name, (wall, cpu) in figures.items():
        lines.append(
            f"| `{name}` | {statistics.median(wall):.3f} | {min(wall):.3f} "
            f"| {statistics.median(cpu):.3f} | < {TARGETS[name]} |"
        )
    print("\n".join(lines))
    write_section("startup", "\n".join(lines))


if __name__ == "__main__":
    main()
