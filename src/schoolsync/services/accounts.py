"""The accounts of the web app and the API: adding one, a new password, listing them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.accounts import User


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
