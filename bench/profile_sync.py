"""Where the time of one full initial sync goes, stage by stage (cProfile, cumulative).

.venv/bin/python bench/profile_sync.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet

from schoolsync.config import Settings
from schoolsync.pipeline import sync_school
from schoolsync.sandbox import Sandbox, running_sandbox
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store.database import make_engine, upgrade
from schoolsync.store.schools import add_school

STAGES = {
    "fetch (HTTP + JSON)": "fetch_raw",
    "normalise (JSON -> domain values)": "build_snapshot",
    "load the store": "load_current",
    "fit to the column sizes": "fit",
    "match": "match_people",
    "validate": "validate",
    "plan": "make_plan",
    "safeguard": "safeguard",
    "apply (SQL)": "apply_plan",
    "plan hash": "plan_digest",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'p.db'}"
        engine = make_engine(url)
        upgrade(engine)
        settings = Settings(database_url=url, home=Path(tmp), secret_key=Fernet.generate_key())
        # The sandbox runs in this process here: its time shows up under "fetch".
        with running_sandbox(Sandbox.demo(token="t")) as base_url:
            with engine.begin() as conn:
                key = add_school(
                    conn,
                    name="P",
                    now=dt.datetime.now(dt.UTC),
                    secret_key=settings.secret_key,
                    wonde_school_id="A1930499544",
                    api_base_url=base_url,
                    token="t",
                ).key
            profile = cProfile.Profile()
            profile.enable()
            sync_school(engine, key, wonde_reader(settings), full=True)
            profile.disable()
    stats = pstats.Stats(profile)
    total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
    print(f"total {total:.2f}s")
    for label, name in STAGES.items():
        cumulative = sum(
            v[3]
            for k, v in stats.stats.items()  # type: ignore[attr-defined]
            if k[2] == name and "schoolsync" in k[0]
        )
        print(f"  {label:38} {cumulative:6.2f}s  {100 * cumulative / total:4.0f}%")


if __name__ == "__main__":
    main()
