"""A benchmark's PostgreSQL database is dropped when its measurement ends, however it ends:
leftover `schoolsync_bench_*` databases filled the shared server."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_ADMIN_URL

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _exists(name: str) -> bool:
    admin = sa.create_engine(POSTGRES_ADMIN_URL)
    try:
        with admin.connect() as conn:
            query = sa.text("SELECT count(*) FROM pg_database WHERE datname = :name")
            return bool(conn.execute(query, {"name": name}).scalar())
    finally:
        admin.dispose()


@pytest.fixture
def bench_database(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(BENCH))
    sys.modules.pop("run", None)
    import run  # bench/run.py

    yield run.bench_database
    sys.modules.pop("run", None)


def test_a_measurement_that_fails_still_drops_its_database(bench_database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with (
        pytest.raises(RuntimeError),
        bench_database("postgresql", POSTGRES_ADMIN_URL, tmp_path) as url,
    ):
        name = url.rsplit("/", 1)[1]
        assert name.startswith("schoolsync_bench_")
        assert _exists(name)
        raise RuntimeError("the measurement failed")
    assert not _exists(name)


def test_a_sqlite_measurement_needs_no_server(bench_database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with bench_database("sqlite", None, tmp_path) as url:
        assert url.startswith("sqlite:///")
