"""The tables of the web app's and the API's accounts: people who use schoolsync, not synced
people. Registered on the one `metadata` of `store.tables`."""

from __future__ import annotations

import sqlalchemy as sa

from schoolsync.store.tables import metadata

_Timestamp = sa.DateTime(timezone=True)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    #: stored lower-cased: an email is one account however it is typed
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    #: vendor-admin, vendor-support or school-admin
    sa.Column("role", sa.String(20), nullable=False),
    #: the one school a school admin sees; NULL for vendor staff
    sa.Column("school_id", sa.ForeignKey("schools.id")),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", _Timestamp, nullable=False),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    #: sha256 of the cookie's value: a copy of the table logs nobody in
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", _Timestamp, nullable=False),
    sa.Column("expires_at", _Timestamp, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    #: sha256 of the token, which is shown once and never stored
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", _Timestamp, nullable=False),
    sa.Column("revoked_at", _Timestamp),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    #: the email as typed (lower-cased) and the client's address: limits apply to each
    sa.Column("account", sa.String(254), nullable=False, index=True),
    sa.Column("address", sa.String(64), nullable=False, index=True),
    sa.Column("at", _Timestamp, nullable=False),
)
