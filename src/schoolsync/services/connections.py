"""Connecting a school to Wonde: asking for access with the school's contact, its state and
what happens next, and whether a sync may run.

A school that asks is *pending* until Wonde's `schoolApproved` webhook (services/webhooks.py)
brings its token; a school that had approved the app already is approved at once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from schoolsync.errors import ConfigError, SourceNotFound, SyncSkipped
from schoolsync.model.connection import cannot_sync

if TYPE_CHECKING:
    import httpx
    import sqlalchemy as sa

    from schoolsync.config import Settings
    from schoolsync.store.connections import Contact
    from schoolsync.store.schools import School

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9 +()\-]{6,40}$")


def check_contact(name: str, email: str, phone: str | None) -> Contact:
    """The contact as given, checked: a bad one is an error naming the field."""
    from schoolsync.store.connections import Contact

    name, email, phone = name.strip(), email.strip(), (phone or "").strip() or None
    if not name or len(name) > 200:
        raise ConfigError("--contact-name must be the name of a member of staff (1-200 letters)")
    if not _EMAIL.match(email) or len(email) > 254:
        raise ConfigError(f"--contact-email must be an email address, not {email!r}")
    if phone is not None and not _PHONE.match(phone):
        raise ConfigError(f"--contact-phone must be a phone number, not {phone!r}")
    return Contact(name, email, phone)


def request_connection(
    engine: sa.Engine,
    settings: Settings,
    key: str,
    *,
    wonde_school_id: str,
    contact: Contact,
    now: dt.datetime,
    wonde_url: str | None = None,
    wonde_token: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> School:
    """Ask Wonde for access to the school, naming its contact; the school is pending (or
    approved, if it had approved the app already). Nothing is stored if Wonde refuses."""
    from schoolsync.sources.wonde.access import request_access
    from schoolsync.store import connections
    from schoolsync.store import schools as school_store

    token = wonde_token or settings.wonde_token
    wonde_url = wonde_url or settings.wonde_url
    if not token:
        raise ConfigError(
            "Asking Wonde for access needs the application's Wonde key: pass --wonde-token or "
            "set SCHOOLSYNC_WONDE_TOKEN"
        )
    if not re.fullmatch(r"[A-Za-z0-9]{1,40}", wonde_school_id):
        raise ConfigError(f"--wonde-school-id must be a Wonde id such as A1930499544, not "
                          f"{wonde_school_id!r}")  # fmt: skip
    if wonde_url and not wonde_url.startswith(("http://", "https://")):
        raise ConfigError(f"--wonde-url must start with http:// or https://, not {wonde_url!r}")
    with engine.connect() as conn:
        school_store.get_school(conn, key)  # an unknown key is an error before Wonde is asked
    try:
        state = request_access(
            settings, token, wonde_url, wonde_school_id,
            name=contact.name, email=contact.email, phone=contact.phone, transport=transport,
        )  # fmt: skip
    except SourceNotFound:
        # Wonde's 404 names a URL; the person typed an id.
        raise ConfigError(
            f"Wonde has no school with the id {wonde_school_id!r}: check --wonde-school-id "
            "(the school's Wonde id, such as A1930499544, shown in the Wonde portal)"
        ) from None
    with engine.begin() as conn:
        return connections.record_request(
            conn, key, wonde_school_id=wonde_school_id, api_base_url=wonde_url, token=token,
            secret_key=settings.secret_key, contact=contact,
            state="approved" if state in ("approved", "audited") else "pending", now=now,
        )  # fmt: skip


def check_connection(
    engine: sa.Engine,
    settings: Settings,
    key: str,
    *,
    now: dt.datetime,
    transport: httpx.BaseTransport | None = None,
) -> School:
    """Ask Wonde where the school stands now (`/meta/schools/{id}`) and store it: online or
    offline, audited or approved; a token that can no longer read it means access was revoked.
    A school still pending, declined or not connected is left as it is (its webhook says more)."""
    from schoolsync.model.connection import state_after_check
    from schoolsync.sources.wonde.access import school_meta
    from schoolsync.store import connections
    from schoolsync.store import schools as school_store

    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
    token = school.token(settings.secret_key)
    if school.state in ("not_connected", "pending", "declined") or not token:
        return school
    meta = school_meta(settings, token, school.api_base_url, str(school.wonde_school_id),
                       transport)  # fmt: skip
    state = state_after_check(meta)
    if state != school.state:
        with engine.begin() as conn:
            connections.set_state(conn, school.id, state, now)
    with engine.connect() as conn:
        return school_store.get_school(conn, key)


def ensure_can_sync(engine: sa.Engine, key: str) -> None:
    """Raise `SyncSkipped`, saying why, when the school's state does not let a sync run."""
    from schoolsync.store import schools as school_store
    from schoolsync.store.first_connection import refuse_before_merge

    with engine.connect() as conn:
        school = school_store.get_school(conn, key)
        # existing accounts waiting for their merge, or a school disconnected (`NotMerged`)
        refuse_before_merge(conn, school.id, school.name, school.key)
    reason = cannot_sync(school.state, school.name)
    if reason is not None and school.source_kind == "wonde":
        raise SyncSkipped(reason)


def school_connection(engine: sa.Engine, key: str) -> School:
    """The school's record as its connection is shown: state, contact, when asked."""
    from schoolsync.store import schools as school_store

    with engine.connect() as conn:
        return school_store.get_school(conn, key)


def waiting(engine: sa.Engine) -> list[tuple[School, dt.datetime | None]]:
    """Schools waiting for their approval, longest-waiting first."""
    from schoolsync.store.connections import waiting_schools

    with engine.connect() as conn:
        return waiting_schools(conn)
