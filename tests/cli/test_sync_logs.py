"""The logs of a real sync: a `schoolsync sync` process at DEBUG level against the sandbox over
HTTP, its stderr in a file. They must name the run and never a pupil or the token."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from schoolsync.logs import configure_logging, log_context
from schoolsync.sandbox import Sandbox, running_sandbox
from schoolsync.store.tables import people, sync_runs
from tests.cli.conftest import TOKEN, add_school


def test_a_debug_sync_logs_its_run_and_no_pupil_data(env, engine, tmp_path: Path) -> None:
    box = Sandbox.demo(seed=5, pupils=120, token=TOKEN)
    with running_sandbox(box) as base_url:
        key = add_school(env, base_url)
        log_file = tmp_path / "sync.log"
        with log_file.open("w") as stderr:
            done = subprocess.run(
                [sys.executable, "-m", "schoolsync", "sync", key, "--full"],
                env={**env, "SCHOOLSYNC_LOG_LEVEL": "DEBUG"},
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                timeout=120,
            )
    assert done.returncode == 0, log_file.read_text()
    logged = log_file.read_text() + done.stdout

    with engine.connect() as conn:
        run_id = conn.execute(sa.select(sync_runs.c.id)).scalar_one()
        pupils = conn.execute(
            sa.select(people.c.forename, people.c.surname, people.c.email, people.c.upn).where(
                people.c.role == "student"
            )
        ).all()
    assert len(pupils) == 120
    secrets = {TOKEN}
    for pupil in pupils:
        secrets.add(f"{pupil.forename} {pupil.surname}")
        secrets.update(value for value in (pupil.email, pupil.upn) if value)
    leaked = sorted(s for s in secrets if s.lower() in logged.lower())
    assert leaked == [], f"{len(leaked)} pupil values or the token in the logs"

    # Not a terminal: JSON lines, and the run's own records carry its id, school and counts.
    records = [json.loads(line) for line in log_file.read_text().splitlines() if line.strip()]
    assert records, "a DEBUG sync logged nothing"
    of_run = [r for r in records if r.get("run_id") == run_id]
    assert of_run and all(r["school_key"] == key for r in of_run)
    finished = [r for r in of_run if "counts" in r]
    assert finished[-1]["counts"]["student"]["create"] == 120
    assert finished[-1]["status"] in ("success", "success_with_warnings", "issues_exist")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_reads_lines_and_a_file_gets_json() -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        for stream in (_Terminal(), io.StringIO()):
            configure_logging("INFO", stream)
            with log_context(run_id=7, school_key="larkfield"):
                logging.getLogger("schoolsync.test").info("run %d finished", 7)
            text = stream.getvalue()
            if isinstance(stream, _Terminal):
                expected = "INFO schoolsync.test: run 7 finished [run_id=7 school_key=larkfield]"
                assert expected in text
            else:
                record = json.loads(text)
                assert record["message"] == "run 7 finished"
                assert (record["run_id"], record["school_key"], record["level"]) == (
                    7, "larkfield", "INFO",
                )  # fmt: skip
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
