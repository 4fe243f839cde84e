"""Accounts in the store: users, their browser sessions, their API tokens and failed logins.

None of these functions commits: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from schoolsync.accounts import (
    User,
    check_new_account,
    check_password,
    digest,
    hash_password,
    new_secret,
    password_matches,
)
from schoolsync.errors import ConfigError, SchoolNotFound
from schoolsync.store.account_tables import api_tokens, login_failures, users, web_sessions
from schoolsync.store.tables import schools

SESSION_LIFETIME = dt.timedelta(hours=12)
#: Failed logins counted over this window; past either limit every login is refused, even a
#: right one, until the window has moved on.
FAILURE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


@dataclass(frozen=True, slots=True)
class ApiTokenRecord:
    id: int
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def add_user(
    conn: sa.Connection,
    *,
    email: str,
    role: str,
    password: str,
    now: dt.datetime,
    school_key: str | None = None,
) -> User:
    normalised = check_new_account(email, role, school_key)
    check_password(password)
    school_id = None
    if school_key:
        query = sa.select(schools.c.id).where(schools.c.key == school_key)
        school_id = conn.execute(query).scalar()
        if school_id is None:
            raise SchoolNotFound(school_key)
    if conn.execute(sa.select(users.c.id).where(users.c.email == normalised)).first():
        raise ConfigError(f"There is already an account for {normalised}")
    user_id = conn.execute(
        sa.insert(users)
        .values(
            email=normalised,
            role=role,
            school_id=school_id,
            password_hash=hash_password(password),
            created_at=now,
        )
        .returning(users.c.id)
    ).scalar_one()
    return User(int(user_id), normalised, role, school_id, school_key)


def _user_query() -> sa.Select[Any]:
    return sa.select(users, schools.c.key.label("school_key")).outerjoin(
        schools, schools.c.id == users.c.school_id
    )


def _user(row: Any) -> User:
    return User(row.id, row.email, row.role, row.school_id, row.school_key)


def set_password(conn: sa.Connection, email: str, password: str) -> User:
    """A new password for an account, which also ends every session it has (a password is
    reset when it may be known to someone else)."""
    check_password(password)
    account = email.strip().lower()
    row = conn.execute(_user_query().where(users.c.email == account)).first()
    if row is None:
        raise ConfigError(f"There is no account for {account} (see `schoolsync user list`)")
    conn.execute(
        sa.update(users).where(users.c.id == row.id).values(password_hash=hash_password(password))
    )
    conn.execute(sa.delete(web_sessions).where(web_sessions.c.user_id == row.id))
    conn.execute(sa.delete(login_failures).where(login_failures.c.account == account))
    return _user(row)


def list_users(conn: sa.Connection) -> list[User]:
    return [_user(r) for r in conn.execute(_user_query().order_by(users.c.email))]


def failures_exceeded(conn: sa.Connection, account: str, address: str, now: dt.datetime) -> bool:
    since = now - FAILURE_WINDOW

    def count(column: sa.Column[str], value: str) -> int:
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(login_failures)
                .where(column == value, login_failures.c.at > since)
            ).scalar_one()
        )

    return (
        count(login_failures.c.account, account) >= MAX_FAILURES_PER_ACCOUNT
        or count(login_failures.c.address, address) >= MAX_FAILURES_PER_ADDRESS
    )


def check_login(
    conn: sa.Connection, email: str, password: str, address: str, now: dt.datetime
) -> User | None:
    """The user whose email and password these are, or None (a failure, recorded). The caller
    checks `failures_exceeded` first; the answer never says whether the email exists."""
    account = email.strip().lower()[:254]
    row = conn.execute(_user_query().where(users.c.email == account)).first()
    if password_matches(row.password_hash if row else None, password) and row is not None:
        conn.execute(sa.delete(login_failures).where(login_failures.c.account == account))
        return _user(row)
    conn.execute(sa.insert(login_failures).values(account=account, address=address[:64], at=now))
    conn.execute(sa.delete(login_failures).where(login_failures.c.at < now - FAILURE_WINDOW))
    return None


def start_session(conn: sa.Connection, user_id: int, now: dt.datetime) -> tuple[str, str]:
    """A new session: (cookie value, CSRF token). Only the cookie's digest is stored."""
    session_id, csrf = new_secret(), new_secret()
    # Logins are rare enough to sweep expired sessions here, and no job is needed for it.
    conn.execute(sa.delete(web_sessions).where(web_sessions.c.expires_at <= now))
    conn.execute(
        sa.insert(web_sessions).values(
            id_hash=digest(session_id),
            user_id=user_id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return session_id, csrf


def session_user(conn: sa.Connection, session_id: str, now: dt.datetime) -> tuple[User, str] | None:
    """The session's user and CSRF token, or None when it is unknown or expired."""
    row = conn.execute(
        _user_query()
        .add_columns(web_sessions.c.csrf_token, web_sessions.c.expires_at)
        .join(web_sessions, web_sessions.c.user_id == users.c.id)
        .where(web_sessions.c.id_hash == digest(session_id))
    ).first()
    if row is None or _utc(row.expires_at) <= now:
        return None
    return _user(row), row.csrf_token


def end_session(conn: sa.Connection, session_id: str) -> None:
    conn.execute(sa.delete(web_sessions).where(web_sessions.c.id_hash == digest(session_id)))


def create_api_token(conn: sa.Connection, user_id: int, name: str, now: dt.datetime) -> str:
    """A new token, returned once: only its digest is stored."""
    if not name.strip():
        raise ConfigError("An API token needs a name, so that you know which one to revoke")
    token = "ss_" + new_secret()
    conn.execute(
        sa.insert(api_tokens).values(
            user_id=user_id, name=name.strip()[:100], token_hash=digest(token), created_at=now
        )
    )
    return token


def token_user(conn: sa.Connection, token: str) -> User | None:
    row = conn.execute(
        _user_query()
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == digest(token), api_tokens.c.revoked_at.is_(None))
    ).first()
    return _user(row) if row else None


def list_api_tokens(conn: sa.Connection, user_id: int) -> list[ApiTokenRecord]:
    rows = conn.execute(
        sa.select(api_tokens).where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.id)
    )
    return [ApiTokenRecord(r.id, r.name, r.created_at, r.revoked_at) for r in rows]


def revoke_api_token(conn: sa.Connection, user_id: int, token_id: int, now: dt.datetime) -> bool:
    """False when the user has no such token (someone else's counts as none)."""
    result = conn.execute(
        sa.update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id)
        .where(api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount > 0


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back without their zone; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
