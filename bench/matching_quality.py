"""Matching quality on first connection: how often the automatic matches are right (precision)
and how many of the pupils who have an account are matched without a person (recall).

A sandbox school is served over HTTP and read by the Wonde reader as a sync would; its
product's existing accounts are generated with planted variations
(`sandbox/existing_accounts.py`: UPNs copied in, short forenames, half of a double-barrelled
surname, accents dropped, typos, no date of birth, no account, leavers' accounts and
namesakes). Each MIS pupil is then resolved (`engine/matching/pupils.py`) and compared with the
truth.

    .venv/bin/python bench/matching_quality.py [--pupils 1000] [--seeds 1 2 3]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet

from schoolsync.config import Settings
from schoolsync.engine.matching.pupils import resolve_people
from schoolsync.existing_files import read_existing
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, running_sandbox
from schoolsync.sandbox.existing_accounts import existing_accounts
from schoolsync.school_settings import SchoolSettings
from schoolsync.sources.wonde.reader import wonde_reader

TOKEN = "bench-token"


@dataclass(frozen=True)
class Connection:
    """What the reader needs to know of the school."""

    base_url: str
    key: str = "bench"
    source_kind: str = "wonde"
    wonde_school_id: str | None = DEMO_SCHOOL_ID
    settings: SchoolSettings = field(default_factory=SchoolSettings)

    @property
    def api_base_url(self) -> str:
        return self.base_url

    def token(self, _secret: bytes) -> str:
        return TOKEN


def one_school(seed: int, pupils: int) -> dict[str, float]:
    box = Sandbox.demo(seed=seed, pupils=pupils, token=TOKEN)
    planted = existing_accounts(box.schools[DEMO_SCHOOL_ID], seed=seed)
    with tempfile.TemporaryDirectory() as home, running_sandbox(box) as url:
        settings = Settings(
            database_url="sqlite://", home=Path(home), secret_key=Fernet.generate_key()
        )
        snapshot = wonde_reader(settings)(Connection(url), None, lambda *_: None)  # type: ignore[arg-type]
    data = read_existing(("users.csv", planted.files()["users.csv"]))
    accounts = [
        {
            "id": number,
            "family": "pupil",
            "role": user.role,
            "username": user.username,
            "email": user.email,
            "forename": user.forename,
            "surname": user.surname,
            "date_of_birth": user.date_of_birth,
            "year_group": user.year_group,
            "upn": user.upn,
            "mis_id": None,
        }
        for number, user in enumerate(data.users, 1)
    ]
    username_of = {a["id"]: a["username"] for a in accounts}
    mis_pupils = [p for p in snapshot.people if p.role == "student"]
    started = time.perf_counter()
    resolved = resolve_people(mis_pupils, accounts)
    seconds = time.perf_counter() - started
    owner = {source_id: u for u, source_id in planted.truth.items() if source_id}
    linked = [r for r in resolved.values() if r.outcome == "linked"]
    right = sum(1 for r in linked if owner.get(r.person.source_id) == username_of[r.person_id or 0])
    have_account = sum(1 for p in mis_pupils if p.source_id in owner)
    unresolved = sum(1 for r in resolved.values() if r.outcome in ("unresolved", "issue"))
    missed = sum(1 for r in resolved.values() if r.outcome == "new" and r.person.source_id in owner)
    return {
        "pupils": len(mis_pupils),
        "accounts": len(accounts),
        "have_account": have_account,
        "linked": len(linked),
        "right": right,
        "precision": right / len(linked) if linked else 1.0,
        "recall": right / have_account if have_account else 1.0,
        "unresolved": unresolved,
        "missed_as_new": missed,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    rows = [one_school(seed, args.pupils) for seed in args.seeds]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="|", lineterminator="\n")
    header = list(rows[0])
    writer.writerow(["seed", *header])
    for seed, row in zip(args.seeds, rows, strict=True):
        writer.writerow([seed, *(f"{v:.3f}" if isinstance(v, float) else v for v in row.values())])
    print(f"matching quality, {dt.date.today()}, {args.pupils} pupils per school")
    print(out.getvalue())
    right = sum(r["right"] for r in rows)
    linked = sum(r["linked"] for r in rows)
    have = sum(r["have_account"] for r in rows)
    print(f"overall: precision {right / linked:.4f}, recall {right / have:.4f}")


if __name__ == "__main__":
    main()
