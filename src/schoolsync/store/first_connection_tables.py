"""The tables of a first connection (`services/first_connection.py`): its state, a person's
class choices and pupil answers, and the hashes of initial passwords. On `tables.metadata`."""

from __future__ import annotations

import sqlalchemy as sa

from schoolsync.store.tables import _Timestamp, metadata

#: matching (existing accounts loaded, not merged: no sync yet), merged, or disconnected
first_connections = sa.Table(
    "first_connections",
    metadata,
    sa.Column("school_id", sa.ForeignKey("schools.id"), primary_key=True),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("imported_at", _Timestamp, nullable=False),
    sa.Column("merged_at", _Timestamp),
    sa.Column("disconnected_at", _Timestamp),
)

#: a person's action for one MIS class (match, import or none), over the suggested one
class_choices = sa.Table(
    "class_choices",
    metadata,
    sa.Column("school_id", sa.ForeignKey("schools.id"), primary_key=True),
    sa.Column("mis_class_id", sa.String(64), primary_key=True),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("existing_class_id", sa.ForeignKey("classes.id")),
)

#: a person's answer for one MIS pupil: this existing account, or NULL for a new one
pupil_resolutions = sa.Table(
    "pupil_resolutions",
    metadata,
    sa.Column("school_id", sa.ForeignKey("schools.id"), primary_key=True),
    sa.Column("mis_id", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id")),
)

#: initial passwords, as argon2 hashes only: the password itself is shown once, on a login card
login_credentials = sa.Table(
    "login_credentials",
    metadata,
    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("issued_at", _Timestamp, nullable=False),
)
