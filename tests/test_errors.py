"""The exception tree: grouped by reaction, and every error survives pickling (Celery)."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from schoolsync import errors
from schoolsync.store.database import make_engine

REACTIONS = (errors.RetryLater, errors.NeedsPerson, errors.BadInput, errors.NotFound)
ALL_ERRORS = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, errors.SchoolsyncError) and cls is not errors.SchoolsyncError
]
LEAVES = [cls for cls in ALL_ERRORS if cls not in (*REACTIONS, errors.SourceError)]
EXAMPLES: dict[type[errors.SchoolsyncError], errors.SchoolsyncError] = {
    errors.SchoolNotFound: errors.SchoolNotFound("sch_missing"),
    errors.SourceAuthError: errors.SourceAuthError("Wonde refused", permission="contacts.read"),
    errors.FileFormatError: errors.FileFormatError("bad date", file="pupils.xml", where="line 4"),
    errors.SourceBusy: errors.SourceBusy(
        "source busy, retry at 09:00", retry_at=dt.datetime(2027, 1, 15, 9, tzinfo=dt.UTC)
    ),
}


def example(cls: type[errors.SchoolsyncError]) -> errors.SchoolsyncError:
    return EXAMPLES.get(cls) or cls(f"{cls.__name__} happened")


@pytest.mark.parametrize("cls", LEAVES, ids=lambda c: c.__name__)
def test_every_error_has_exactly_one_reaction(cls: type[errors.SchoolsyncError]) -> None:
    assert [r.__name__ for r in REACTIONS if issubclass(cls, r)] != []
    assert sum(issubclass(cls, r) for r in REACTIONS) == 1


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda c: c.__name__)
def test_every_error_round_trips_through_pickle(cls: type[errors.SchoolsyncError]) -> None:
    original = example(cls)
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is cls
    assert str(copy) == str(original)
    assert vars(copy) == vars(original)


def test_school_not_found_keeps_one_message_and_its_key_after_pickling() -> None:
    copy = pickle.loads(pickle.dumps(errors.SchoolNotFound("sch_1")))
    assert str(copy).count("sch_1") == 1
    assert copy.key == "sch_1"


def test_file_format_error_keeps_file_and_place_after_pickling() -> None:
    copy = pickle.loads(pickle.dumps(errors.FileFormatError("x", file="a.csv", where="line 3")))
    assert (copy.file, copy.where, str(copy)) == ("a.csv", "line 3", "a.csv, line 3: x")


def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_database_is_retry_later_naming_the_server() -> None:
    port = unused_port()
    engine = make_engine(f"postgresql+psycopg://postgres:s3cret@127.0.0.1:{port}/schoolsync")
    with pytest.raises(errors.StoreUnavailable) as caught, engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert isinstance(caught.value, errors.RetryLater)
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_the_cli_says_plainly_that_the_database_is_unreachable(tmp_path: Path) -> None:
    port = unused_port()
    env = {
        **os.environ,
        "SCHOOLSYNC_HOME": str(tmp_path),
        "SCHOOLSYNC_DATABASE_URL": f"postgresql+psycopg://postgres:s3cret@127.0.0.1:{port}/x",
    }
    done = subprocess.run(
        [sys.executable, "-m", "schoolsync", "school", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert f"The database (127.0.0.1:{port}) cannot be reached" in done.stderr
    assert "Traceback" not in done.stderr
    assert "s3cret" not in done.stderr + done.stdout
