"""The accounts of the web app and the API: adding one, a new password, listing them; logging
in and out; the sessions and API tokens that say who is asking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.accounts import User
    from schoolsync.store.accounts import ApiTokenRecord


def add_user(
    engine: sa.Engine,
    *,
    email: str,
    role: str,
    password: str,
    now: dt.datetime,
    school_key: str | None = None,
) -> User:
    """A new account; a bad email, role, school or password raises `ConfigError` naming it."""
    from schoolsync.store import accounts as account_store

    with engine.begin() as conn:
        return account_store.add_user(
            conn, email=email, role=role, password=password, now=now, school_key=school_key
        )


def set_password(engine: sa.Engine, email: str, password: str) -> User:
    """A new password, which also ends every session of the account."""
    from schoolsync.store import accounts as account_store

    with engine.begin() as conn:
        return account_store.set_password(conn, email, password)


def list_users(engine: sa.Engine) -> list[User]:
    from schoolsync.store import accounts as account_store

    with engine.connect() as conn:
        return account_store.list_users(conn)


# --- logging in to the web app ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Login:
    """A login's outcome: the new session (cookie value) and its lifetime, or why there is none.
    The reason never says whether the email belongs to an account."""

    session_id: str | None
    throttled: bool = False
    lifetime: dt.timedelta = dt.timedelta()


def log_in(
    engine: sa.Engine,
    email: str,
    password: str,
    *,
    address: str,
    now: dt.datetime,
    old_session: str | None = None,
) -> Login:
    """Check the password (unless too many attempts failed lately, for the account or the
    address) and start a session. `old_session` ends: a session id planted before a login is
    worthless after it."""
    from schoolsync.store import accounts as account_store

    with engine.begin() as conn:
        if account_store.failures_exceeded(conn, email.strip().lower(), address, now):
            return Login(None, throttled=True)
        user = account_store.check_login(conn, email, password, address, now)
        if user is None:
            return Login(None)
        if old_session:
            account_store.end_session(conn, old_session)
        session_id, _csrf = account_store.start_session(conn, user.id, now)
    return Login(session_id, lifetime=account_store.SESSION_LIFETIME)


def log_out(engine: sa.Engine, session_id: str) -> None:
    from schoolsync.store import accounts as account_store

    with engine.begin() as conn:
        account_store.end_session(conn, session_id)


def session_user(engine: sa.Engine, session_id: str, now: dt.datetime) -> tuple[User, str] | None:
    """The session's user and its CSRF token; None when it is unknown or expired."""
    from schoolsync.store import accounts as account_store

    with engine.connect() as conn:
        return account_store.session_user(conn, session_id, now)


# --- API tokens ---------------------------------------------------------------------------


def token_user(engine: sa.Engine, token: str) -> User | None:
    """Whose API token this is; None when it is unknown or revoked."""
    from schoolsync.store import accounts as account_store

    with engine.connect() as conn:
        return account_store.token_user(conn, token)


def list_api_tokens(engine: sa.Engine, user_id: int) -> list[ApiTokenRecord]:
    from schoolsync.store import accounts as account_store

    with engine.connect() as conn:
        return account_store.list_api_tokens(conn, user_id)


def create_api_token(engine: sa.Engine, user_id: int, name: str, now: dt.datetime) -> str:
    """A new token, returned this once (only its digest is kept). No name raises
    `ConfigError`."""
    from schoolsync.store import accounts as account_store

    with engine.begin() as conn:
        return account_store.create_api_token(conn, user_id, name, now)


def revoke_api_token(engine: sa.Engine, user_id: int, token_id: int, now: dt.datetime) -> bool:
    """False when the user has no such token (someone else's counts as none)."""
    from schoolsync.store import accounts as account_store

    with engine.begin() as conn:
        return account_store.revoke_api_token(conn, user_id, token_id, now)
