"""Import speed: a 2,000-pupil CTF and a OneRoster set of the same school, read and applied by
the same engine as a sync, into a fresh store.

    .venv/bin/python bench/imports.py [--pupils 2000] [--repeats 3] [--no-postgres]

The CTF comes from the sandbox school (`schoolsync sandbox ctf`); the OneRoster set is what
`schoolsync export` writes after that school has been synced.
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
import uuid
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.config import Settings
from schoolsync.exports.oneroster import export_oneroster
from schoolsync.pipeline import sync_school
from schoolsync.sandbox import Sandbox, running_sandbox
from schoolsync.sandbox.ctf_export import school_ctf
from schoolsync.sources.registry import file_reader_for, read_file
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store.database import make_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import bench_database
from schoolsync.store.schools import add_school

HERE = Path(__file__).resolve().parent
NOW = dt.datetime.now(dt.UTC)


def files_for(pupils: int, workdir: Path) -> tuple[Path, Path]:
    sandbox = Sandbox.demo(pupils=pupils, token="bench")
    school = next(iter(sandbox.schools.values()))
    ctf = workdir / "school.xml"
    ctf.write_bytes(school_ctf(school))
    engine = make_engine(f"sqlite:///{workdir / 'source.db'}")
    settings = Settings(
        database_url=str(engine.url), home=workdir, secret_key=Fernet.generate_key()
    )
    with running_sandbox(sandbox) as base_url:
        with engine.begin() as conn:
            key = add_school(
                conn,
                name="Source",
                now=NOW,
                secret_key=settings.secret_key,
                wonde_school_id=school.id,
                api_base_url=base_url,
                token="bench",
            ).key
        sync_school(engine, key, wonde_reader(settings), full=True)
    oneroster = workdir / "oneroster"
    with engine.connect() as conn:
        export_oneroster(conn, 1, oneroster, now=NOW)
    engine.dispose()
    return ctf, oneroster


def time_import(engine: sa.Engine, path: Path) -> tuple[float, str]:
    with engine.begin() as conn:
        key = add_school(
            conn, name=f"Import {uuid.uuid4().hex[:6]}", now=NOW, secret_key=Fernet.generate_key()
        ).key
    kind, reader = file_reader_for(path, None)
    started = time.perf_counter()
    result = sync_school(engine, key, reader, trigger="file", file_import=True, source=kind)
    elapsed = time.perf_counter() - started
    assert result.status != "failed", result.message
    return elapsed, kind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "SCHOOLSYNC_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    kinds = ["sqlite"] + ([] if args.no_postgres else ["postgresql"])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        ctf, oneroster = files_for(args.pupils, workdir)
        for path, label in ((ctf, "CTF"), (oneroster, "OneRoster 1.2 (folder)")):
            parse = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                read_file(path)
                parse.append(time.perf_counter() - started)
            row = [label, f"{statistics.median(parse):.2f}"]
            for kind in kinds:
                times = []
                for _ in range(args.repeats):
                    with bench_database(kind, args.postgres, workdir) as url:
                        engine = make_engine(url)
                        times.append(time_import(engine, path)[0])
                        engine.dispose()
                row.append(f"{statistics.median(times):.2f}")
            rows.append(row)
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()}"
    )
    header = "| file | read only (s) | " + " | ".join(f"import into {k} (s)" for k in kinds) + " |"
    lines = [
        f"Import of a {args.pupils}-pupil school, median of {args.repeats}. Machine: {machine}.",
        "",
        header,
        "|" + "---|" * (2 + len(kinds)),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    text = "\n".join(lines)
    print(text)
    (HERE / "imports.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
