"""`schoolsync attendance`, `signin` and `writebacks` as a user runs them: a real process, the
sandbox over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from schoolsync.sandbox import Sandbox, running_sandbox
from schoolsync.store.database import make_engine
from schoolsync.store.tables import people
from tests.cli.conftest import TOKEN, add_school, schoolsync


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[Sandbox, str]]:
    box = Sandbox.demo(seed=4, pupils=100, token=TOKEN)
    box.writebacks.completes_after = 0.1
    with running_sandbox(box) as base_url:
        yield box, base_url


def a_pupil(database_url: str) -> str:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        upn = conn.execute(
            sa.select(people.c.upn).where(people.c.role == "student", people.c.upn.is_not(None))
        ).scalar()
    engine.dispose()
    assert upn
    return str(upn)


def test_reasons_sign_in_and_the_log(
    env: dict[str, str], sandbox: tuple[Sandbox, str], database_url: str
) -> None:
    box, base_url = sandbox
    before = len(box.writebacks.received("A1930499544"))  # the sandbox serves both databases
    key = add_school(env, base_url)
    schoolsync(env, "sync", key, "--json")
    setup = json.loads(
        schoolsync(
            env, "attendance", key, "--refresh", "--reason", "Dentist=M", "--disable-unused",
            "--json",
        ).stdout
    )  # fmt: skip
    assert setup["choices"] == [{"label": "Dentist", "code": "M"}]
    pupil = a_pupil(database_url)

    refused = schoolsync(
        env, "signin", key, pupil, "--early", "--reason", "I", "--json", check=False
    )
    assert refused.returncode == 1
    assert "Code 'I' is switched off" in json.loads(refused.stderr)["error"]
    both = schoolsync(env, "signin", key, pupil, "--late", "--early", "--reason", "M", check=False)
    assert both.returncode == 2

    signed = json.loads(
        schoolsync(env, "signin", key, pupil, "--early", "--reason", "dentist", "--json").stdout
    )
    assert (signed["code"], signed["status"], signed["minutes_late"]) == ("M", "queued", None)
    for _ in range(100):
        body = json.loads(schoolsync(env, "writebacks", key, "--send", "--json").stdout)
        if body["marks"][0]["status"] == "confirmed":
            break
        time.sleep(0.5)
    [mark] = body["marks"]
    assert (mark["status"], mark["reason"], mark["problem"]) == ("confirmed", "Dentist", None)
    assert len(box.writebacks.received("A1930499544")) == before + 1
    listed = schoolsync(env, "writebacks", key).stdout
    assert "confirmed" in listed and "Dentist (M)" in listed
