"""A school's connection to Wonde as stored: the request and its contact, the access state and
why it last changed, the token, a pending MIS switch, and the webhooks already received."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.model.holds import Hold
from schoolsync.store.account_tables import users
from schoolsync.store.schools import School, as_utc, get_school
from schoolsync.store.tables import schools, webhook_events


@dataclass(frozen=True, slots=True)
class Contact:
    """The member of staff Wonde contacts to approve the app."""

    name: str
    email: str
    phone: str | None = None


def record_request(
    conn: sa.Connection,
    key: str,
    *,
    wonde_school_id: str,
    api_base_url: str | None,
    token: str,
    secret_key: bytes,
    contact: Contact,
    state: str,
    now: dt.datetime,
) -> School:
    """The school asked Wonde for access: it is fed by Wonde from now on, in `state` (pending,
    or approved when the school had approved the app already). `token` is the application's
    key that asked; an approval brings the school's own."""
    school = get_school(conn, key)
    values: dict[str, Any] = {
        "source_kind": "wonde",
        "wonde_school_id": wonde_school_id,
        "api_base_url": api_base_url,
        "token_encrypted": Fernet(secret_key).encrypt(token.encode()),
        "connection_state": state,
        "connection_changed_at": now,
        "connection_reason": None,
        "contact_name": contact.name,
        "contact_email": contact.email,
        "contact_phone": contact.phone,
        "access_requested_at": now,
    }
    if school.wonde_school_id != wonde_school_id:
        values.update(sync_cursor=None, last_full_sync_at=None)
    conn.execute(sa.update(schools).where(schools.c.id == school.id).values(values))
    return get_school(conn, key)


def set_state(
    conn: sa.Connection,
    school_id: int,
    state: str,
    now: dt.datetime,
    *,
    reason: str | None = None,
    token: str | None = None,
    secret_key: bytes | None = None,
) -> None:
    """Move the school to `state`; a `token` (a school's own, from an approval) replaces the
    stored one, encrypted."""
    values: dict[str, Any] = {
        "connection_state": state,
        "connection_changed_at": now,
        "connection_reason": reason,
    }
    if token is not None and secret_key is not None:
        values["token_encrypted"] = Fernet(secret_key).encrypt(token.encode())
    conn.execute(sa.update(schools).where(schools.c.id == school_id).values(values))


def mark_mis_switch(conn: sa.Connection, school_id: int, at: dt.datetime | None) -> None:
    """Remember (or, with None, forget) that the school moved to another MIS."""
    conn.execute(sa.update(schools).where(schools.c.id == school_id).values(mis_switch_at=at))


def schools_with_wonde_id(conn: sa.Connection, wonde_school_id: str) -> list[School]:
    keys = conn.execute(
        sa.select(schools.c.key)
        .where(schools.c.wonde_school_id == wonde_school_id, schools.c.source_kind == "wonde")
        .order_by(schools.c.id)
    ).scalars()
    return [get_school(conn, key) for key in keys]


def seen_webhook(conn: sa.Connection, digest: str) -> bool:
    found = conn.execute(sa.select(webhook_events.c.id).where(webhook_events.c.digest == digest))
    return found.first() is not None


def record_webhook(
    conn: sa.Connection,
    digest: str,
    payload_type: str,
    school_id: int | None,
    outcome: str,
    now: dt.datetime,
) -> None:
    conn.execute(
        sa.insert(webhook_events).values(
            digest=digest,
            payload_type=payload_type[:40],
            school_id=school_id,
            outcome=outcome[:200],
            received_at=now,
        )
    )


def school_admin_emails(conn: sa.Connection, school_id: int) -> list[str]:
    """The school's own admins (their web accounts), who hear when access ends."""
    found = conn.execute(
        sa.select(users.c.email)
        .where(users.c.school_id == school_id, users.c.role == "school-admin")
        .order_by(users.c.email)
    ).scalars()
    return list(found)


def waiting_schools(conn: sa.Connection) -> list[tuple[School, dt.datetime | None]]:
    """Schools waiting for their approval, longest-waiting first, with when they asked."""
    rows = conn.execute(
        sa.select(schools.c.key, schools.c.access_requested_at)
        .where(schools.c.connection_state == "pending", schools.c.source_kind == "wonde")
        .order_by(schools.c.access_requested_at, schools.c.id)
    ).all()
    return [(get_school(conn, key), as_utc(asked)) for key, asked in rows]


def record_email(
    conn: sa.Connection,
    school_id: int,
    kind: str,
    fingerprint: str,
    recipients: list[str],
    subject: str,
    now: dt.datetime,
) -> None:
    """An email about the school's connection (no run of its own), kept with the alerts."""
    from schoolsync.store.holds import record_alert

    record_alert(conn, school_id, None, kind, fingerprint, recipients, subject, now)


def settle_mis_switch(
    conn: sa.Connection,
    school_id: int,
    announced: dt.datetime | None,
    holds: Sequence[Hold],
    now: dt.datetime,
) -> None:
    """After a sync: an MIS switch stays in hand while classes wait for a person to re-link
    them (a `mis_switch` hold), and is done with once none do."""
    waiting = any(hold.rule == "mis_switch" for hold in holds)
    if waiting or announced is not None:
        mark_mis_switch(conn, school_id, (announced or now) if waiting else None)
