"""`schoolsync user add|list` as a user runs them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.store import accounts
from schoolsync.store import schools as school_store
from schoolsync.store.database import make_engine
from tests.cli.conftest import schoolsync

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def login(database_url: str, email: str, password: str) -> bool:
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            return accounts.check_login(conn, email, password, "127.0.0.1", NOW) is not None
    finally:
        engine.dispose()


def test_user_add_prints_a_one_time_password_that_logs_in(env, database_url) -> None:
    result = schoolsync(env, "user", "add", "ana@vendor.example", "--role", "vendor-admin")
    assert "Vendor admin" in result.stdout
    password = result.stdout.split("One-time password:")[1].split()[0]
    assert len(password) >= 12
    assert login(database_url, "ana@vendor.example", password)

    listed = schoolsync(env, "user", "list").stdout
    assert "ana@vendor.example" in listed and "every school" in listed
    assert password not in listed


def test_user_add_reads_the_password_from_stdin(env, database_url) -> None:
    engine = make_engine(database_url)
    with engine.begin() as conn:
        key = school_store.add_school(
            conn, name="Larkfield", now=NOW, secret_key=Fernet.generate_key()
        ).key
    engine.dispose()
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "schoolsync", "user", "add", "head@larkfield.example",
         "--role", "school-admin", "--school", key, "--password-stdin"],
        input="a long enough secret\n", env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "One-time password" not in result.stdout and "a long enough secret" not in result.stdout
    assert login(database_url, "head@larkfield.example", "a long enough secret")
    assert key in schoolsync(env, "user", "list").stdout


def test_user_add_refuses_a_school_admin_without_a_school(env) -> None:
    result = schoolsync(
        env, "user", "add", "head@larkfield.example", "--role", "school-admin", check=False
    )
    assert result.returncode == 2
    assert "--school" in result.stderr
    assert "No accounts yet" in schoolsync(env, "user", "list").stdout


def test_users_table_exists_after_migrations(database_url) -> None:
    engine = make_engine(database_url)
    try:
        assert {"users", "web_sessions", "api_tokens", "login_failures"} <= set(
            sa.inspect(engine).get_table_names()
        )
    finally:
        engine.dispose()


def test_user_password_sets_a_new_one_and_ends_sessions(env, database_url) -> None:
    first = schoolsync(env, "user", "add", "ana@vendor.example", "--role", "vendor-admin")
    old = first.stdout.split("One-time password:")[1].split()[0]
    engine = make_engine(database_url)
    with engine.begin() as conn:
        user = accounts.check_login(conn, "ana@vendor.example", old, "127.0.0.1", NOW)
        assert user is not None
        session_id, _csrf = accounts.start_session(conn, user.id, NOW)
    reset = schoolsync(env, "user", "password", "ANA@vendor.example")
    new = reset.stdout.split("One-time password:")[1].split()[0]
    assert new != old
    assert login(database_url, "ana@vendor.example", new)
    assert not login(database_url, "ana@vendor.example", old)
    with engine.connect() as conn:
        assert accounts.session_user(conn, session_id, NOW) is None
    engine.dispose()
    missing = schoolsync(env, "user", "password", "nobody@vendor.example", check=False)
    assert missing.returncode == 2 and "no account" in missing.stderr
