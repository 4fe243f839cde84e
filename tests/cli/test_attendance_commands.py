"""`schoolsync attendance`, `signin` and `writebacks` as a user runs them: a real process, the
sandbox over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

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
    stored = dt.datetime.fromisoformat(mark["at"])
    left_at = stored.replace(tzinfo=stored.tzinfo or dt.UTC).astimezone(ZoneInfo("Europe/London"))
    assert f"{left_at:%H:%M} left early" in listed  # reception's clock, not only the date


def test_typos_in_attendance_commands_are_wrong_values_naming_what_to_use(
    env: dict[str, str], sandbox: tuple[Sandbox, str], database_url: str
) -> None:
    """A new user's slips: each exits 2 with a message naming the value, and changes nothing."""
    _box, base_url = sandbox
    key = add_school(env, base_url)
    schoolsync(env, "sync", key, "--json")
    schoolsync(env, "attendance", key, "--refresh", "--reason", "Dentist=M")
    pupil = a_pupil(database_url)

    reason = schoolsync(env, "signin", key, pupil, "--late", "--reason", "Nonsense", check=False)
    assert reason.returncode == 2, reason.stderr
    assert "'Nonsense' is not one of this school's reasons" in reason.stderr
    assert "Dentist" in reason.stderr and "Traceback" not in reason.stderr
    at = schoolsync(
        env, "signin", key, pupil, "--late", "--reason", "Dentist", "--at", "25:99", "--json",
        check=False,
    )  # fmt: skip
    assert at.returncode == 2
    assert json.loads(at.stderr) == {
        "error": "--at must be a time today as HH:MM (24-hour), not '25:99'",
        "exit_code": 2,
    }
    mapped = schoolsync(env, "attendance", key, "--reason", "Dentist=Q", check=False)
    assert mapped.returncode == 2
    assert "Reason 'Dentist': the MIS has no attendance code 'Q'" in mapped.stderr
    code = schoolsync(env, "attendance", key, "--disable-code", "Z", check=False)
    assert code.returncode == 2 and "no attendance code 'Z'" in code.stderr
    status = schoolsync(env, "writebacks", key, "--status", "bogus", check=False)
    assert status.returncode == 2 and "queued, sent, confirmed, failed" in status.stderr

    kept = json.loads(schoolsync(env, "attendance", key, "--json").stdout)
    assert [r["label"] + "=" + r["code"] for r in kept["reasons"]] == ["Dentist=M"]
    assert kept["disabled_codes"] == []
    assert json.loads(schoolsync(env, "writebacks", key, "--json").stdout) == []
