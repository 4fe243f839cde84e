"""Accounts in the store: argon2 hashes, sessions, API tokens, login limits (SQLite and
PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.errors import ConfigError
from schoolsync.store import accounts
from schoolsync.store import schools as school_store
from schoolsync.store.account_tables import api_tokens, users, web_sessions

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def school_key(engine: sa.Engine) -> str:
    with engine.begin() as conn:
        return school_store.add_school(
            conn, name="Larkfield", now=NOW, secret_key=Fernet.generate_key()
        ).key


def add(engine: sa.Engine, email: str, role: str = "vendor-admin", school: str | None = None):
    with engine.begin() as conn:
        return accounts.add_user(
            conn, email=email, role=role, password=PASSWORD, now=NOW, school_key=school
        )


def test_password_is_stored_as_argon2_and_checked(engine: sa.Engine) -> None:
    add(engine, "Ana@Vendor.example")
    with engine.begin() as conn:
        stored = conn.execute(sa.select(users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        user = accounts.check_login(conn, "ana@vendor.EXAMPLE ", PASSWORD, "10.0.0.1", NOW)
        assert user is not None and user.email == "ana@vendor.example"
        assert accounts.check_login(conn, "ana@vendor.example", "wrong", "10.0.0.1", NOW) is None


@pytest.mark.parametrize(
    ("email", "role", "school", "field"),
    [
        ("not-an-email", "vendor-admin", None, "EMAIL"),
        ("a@b.example", "headteacher", None, "--role"),
        ("a@b.example", "school-admin", None, "--school"),
        ("a@b.example", "vendor-support", "sch_x", "--school"),
    ],
)
def test_bad_accounts_name_the_field(engine, email, role, school, field) -> None:
    with pytest.raises(ConfigError, match=field), engine.begin() as conn:
        accounts.add_user(
            conn, email=email, role=role, password=PASSWORD, now=NOW, school_key=school
        )


def test_duplicate_email_and_short_password_are_refused(engine: sa.Engine) -> None:
    add(engine, "ana@vendor.example")
    with pytest.raises(ConfigError, match="already"):
        add(engine, "ANA@vendor.example")
    with pytest.raises(ConfigError, match="12 characters"), engine.begin() as conn:
        accounts.add_user(conn, email="b@v.example", role="vendor-admin", password="short", now=NOW)


def test_school_admin_sees_only_their_school(engine: sa.Engine, school_key: str) -> None:
    admin = add(engine, "head@larkfield.example", "school-admin", school_key)
    vendor = add(engine, "ana@vendor.example", "vendor-support")
    assert admin.school_key == school_key and admin.can_approve
    assert admin.sees(admin.school_id or 0) and not admin.sees((admin.school_id or 0) + 1)
    assert vendor.sees(12345) and not vendor.can_approve


def test_sessions_are_stored_hashed_expire_and_end(engine: sa.Engine) -> None:
    user = add(engine, "ana@vendor.example")
    with engine.begin() as conn:
        session_id, csrf = accounts.start_session(conn, user.id, NOW)
        assert conn.execute(sa.select(web_sessions.c.id_hash)).scalar_one() != session_id
        found = accounts.session_user(conn, session_id, NOW + dt.timedelta(hours=1))
        assert found == (user, csrf)
        assert accounts.session_user(conn, session_id, NOW + dt.timedelta(hours=13)) is None
        assert accounts.session_user(conn, "forged", NOW) is None
        accounts.end_session(conn, session_id)
        assert accounts.session_user(conn, session_id, NOW) is None


def test_expired_sessions_are_swept_at_the_next_login(engine: sa.Engine) -> None:
    user = add(engine, "ana@vendor.example")
    with engine.begin() as conn:
        accounts.start_session(conn, user.id, NOW)
        accounts.start_session(conn, user.id, NOW + dt.timedelta(hours=13))
        count = conn.execute(sa.select(sa.func.count()).select_from(web_sessions)).scalar_one()
    assert count == 1


def test_login_limits_per_account_and_per_address(engine: sa.Engine) -> None:
    add(engine, "ana@vendor.example")
    with engine.begin() as conn:
        for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
            assert not accounts.failures_exceeded(conn, "ana@vendor.example", "10.0.0.1", NOW)
            accounts.check_login(conn, "ana@vendor.example", "wrong", "10.0.0.1", NOW)
        assert accounts.failures_exceeded(conn, "ana@vendor.example", "10.0.0.9", NOW)
        later = NOW + accounts.FAILURE_WINDOW + dt.timedelta(seconds=1)
        assert not accounts.failures_exceeded(conn, "ana@vendor.example", "10.0.0.9", later)
        # One address trying many accounts is limited too, even for accounts that do not exist.
        for n in range(accounts.MAX_FAILURES_PER_ADDRESS):
            accounts.check_login(conn, f"guess{n}@vendor.example", "x", "10.0.0.2", later)
        assert accounts.failures_exceeded(conn, "someone@else.example", "10.0.0.2", later)


def test_api_tokens_are_stored_hashed_and_revocable(engine: sa.Engine) -> None:
    user = add(engine, "ana@vendor.example")
    other = add(engine, "bo@vendor.example")
    with engine.begin() as conn:
        token = accounts.create_api_token(conn, user.id, "reports script", NOW)
        assert conn.execute(sa.select(api_tokens.c.token_hash)).scalar_one() != token
        assert accounts.token_user(conn, token) == user
        (record,) = accounts.list_api_tokens(conn, user.id)
        assert record.name == "reports script" and record.revoked_at is None
        assert not accounts.revoke_api_token(conn, other.id, record.id, NOW)
        assert accounts.token_user(conn, token) == user
        assert accounts.revoke_api_token(conn, user.id, record.id, NOW)
        assert accounts.token_user(conn, token) is None
