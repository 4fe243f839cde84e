"""Schools (the tenants): adding one, finding one, its connection and settings. Its lock is in
`store/lock.py`."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

from schoolsync.errors import ConfigError, SchoolNotFound
from schoolsync.school_settings import SchoolSettings
from schoolsync.store.tables import schools


@dataclass(frozen=True, slots=True)
class School:
    id: int
    key: str
    name: str
    source_kind: str
    wonde_school_id: str | None
    api_base_url: str | None
    token_encrypted: bytes | None
    settings: SchoolSettings
    last_full_sync_at: dt.datetime | None
    sync_cursor: dt.datetime | None
    timezone: str
    #: model/connection.py's state as stored (`connection.state_for` gives the one to show)
    connection_state: str = "approved"
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    access_requested_at: dt.datetime | None = None
    connection_changed_at: dt.datetime | None = None
    connection_reason: str | None = None
    #: a MIS switch announced by Wonde that the next sync re-links
    mis_switch_at: dt.datetime | None = None

    @property
    def state(self) -> str:
        """The connection state to show and to decide on (files: `not_connected`)."""
        from schoolsync.model.connection import state_for

        return state_for(self.source_kind, self.connection_state)

    def token(self, secret_key: bytes) -> str | None:
        if self.token_encrypted is None:
            return None
        try:
            return Fernet(secret_key).decrypt(self.token_encrypted).decode()
        except InvalidToken as exc:
            raise ConfigError(
                f"The stored Wonde token of school {self.key} cannot be decrypted with this "
                "SCHOOLSYNC_SECRET_KEY; set the key it was stored with, or add the token again"
            ) from exc


def add_school(
    conn: sa.Connection,
    *,
    name: str,
    now: dt.datetime,
    secret_key: bytes,
    wonde_school_id: str | None = None,
    api_base_url: str | None = None,
    token: str | None = None,
    settings: SchoolSettings | None = None,
) -> School:
    if not name.strip():
        raise ConfigError("A school needs a name (--name)")
    if (token or api_base_url) and not wonde_school_id:
        raise ConfigError("--wonde-token and --wonde-url need --wonde-school-id")
    if wonde_school_id and not token:
        raise ConfigError(
            "A Wonde school needs a token: pass --wonde-token or set SCHOOLSYNC_WONDE_TOKEN"
        )
    if api_base_url and not api_base_url.startswith(("http://", "https://")):
        raise ConfigError(f"--wonde-url must start with http:// or https://, not {api_base_url!r}")
    key = "sch_" + secrets.token_hex(4)
    row = {
        "key": key,
        "name": name.strip(),
        "source_kind": "wonde" if wonde_school_id else "files",
        "wonde_school_id": wonde_school_id,
        "api_base_url": api_base_url,
        "token_encrypted": Fernet(secret_key).encrypt(token.encode()) if token else None,
        "connection_state": "approved" if wonde_school_id else "not_connected",
        "connection_changed_at": now,
        "settings": (settings or SchoolSettings()).to_json(),
        "created_at": now,
    }
    conn.execute(sa.insert(schools).values(row))
    return get_school(conn, key)


def get_school(conn: sa.Connection, key: str) -> School:
    row = conn.execute(sa.select(schools).where(schools.c.key == key)).mappings().first()
    if row is None:
        raise SchoolNotFound(key)
    return _school(row)


def school_by_id(conn: sa.Connection, school_id: int) -> School:
    row = conn.execute(sa.select(schools).where(schools.c.id == school_id)).mappings().first()
    if row is None:
        raise SchoolNotFound(str(school_id))
    return _school(row)


def list_schools(conn: sa.Connection, ids: list[int] | None = None) -> list[School]:
    """Every school (or those of `ids`), in the order they were added."""
    query = sa.select(schools).order_by(schools.c.id)
    if ids is not None:
        query = query.where(schools.c.id.in_(ids))
    return [_school(row) for row in conn.execute(query).mappings()]


def _school(row: Any) -> School:
    return School(
        id=row["id"],
        key=row["key"],
        name=row["name"],
        source_kind=row["source_kind"],
        wonde_school_id=row["wonde_school_id"],
        api_base_url=row["api_base_url"],
        token_encrypted=row["token_encrypted"],
        settings=SchoolSettings.from_json(row["settings"]),
        last_full_sync_at=as_utc(row["last_full_sync_at"]),
        sync_cursor=as_utc(row["sync_cursor"]),
        timezone=row["timezone"],
        connection_state=row["connection_state"],
        contact_name=row["contact_name"],
        contact_email=row["contact_email"],
        contact_phone=row["contact_phone"],
        access_requested_at=as_utc(row["access_requested_at"]),
        connection_changed_at=as_utc(row["connection_changed_at"]),
        connection_reason=row["connection_reason"],
        mis_switch_at=as_utc(row["mis_switch_at"]),
    )


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands timestamps back without a zone; we only ever store UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def record_sync_point(
    conn: sa.Connection,
    school_id: int,
    *,
    cursor: dt.datetime | None,
    full: bool,
    info: dict[str, Any] | None = None,
) -> None:
    values: dict[str, Any] = {}
    if cursor is not None:
        values["sync_cursor"] = cursor
        if full:
            values["last_full_sync_at"] = cursor
    if info:
        values.update({k: v for k, v in info.items() if v})
    if values:
        conn.execute(sa.update(schools).where(schools.c.id == school_id).values(values))


def forget_sync_point(conn: sa.Connection, school_id: int) -> None:
    """Make the next sync a full one: records an incremental sync would not re-read (those a
    scope kept out, say) must come across."""
    conn.execute(sa.update(schools).where(schools.c.id == school_id).values(sync_cursor=None))


def update_settings(conn: sa.Connection, school_id: int, settings: SchoolSettings) -> None:
    conn.execute(
        sa.update(schools).where(schools.c.id == school_id).values(settings=settings.to_json())
    )


def set_timezone(conn: sa.Connection, school_id: int, zone: str) -> None:
    conn.execute(sa.update(schools).where(schools.c.id == school_id).values(timezone=zone))


def find_by_name(conn: sa.Connection, name: str) -> str | None:
    return conn.execute(
        sa.select(schools.c.key).where(schools.c.name == name).order_by(schools.c.id).limit(1)
    ).scalar()


def set_api_base_url(conn: sa.Connection, key: str, api_base_url: str) -> None:
    conn.execute(sa.update(schools).where(schools.c.key == key).values(api_base_url=api_base_url))


def summary(conn: sa.Connection, key: str) -> dict[str, int]:
    """Active people per role and active classes: what a person would count on screen."""
    from schoolsync.store.tables import classes, people

    school = get_school(conn, key)
    counts = dict.fromkeys(("student", "teacher", "staff", "contact", "class"), 0)
    rows = conn.execute(
        sa.select(people.c.role, sa.func.count())
        .where(people.c.school_id == school.id, people.c.status == "active")
        .group_by(people.c.role)
    )
    for role, count in rows:
        counts[role] = count
    counts["class"] = conn.execute(
        sa.select(sa.func.count())
        .select_from(classes)
        .where(classes.c.school_id == school.id, classes.c.status == "active")
    ).scalar_one()
    return counts


def connect_wonde(
    conn: sa.Connection,
    key: str,
    *,
    wonde_school_id: str,
    token: str,
    secret_key: bytes,
    api_base_url: str | None = None,
) -> School:
    """Give a school fed by files its Wonde connection (or replace the one it has)."""
    if not token:
        raise ConfigError(
            "A Wonde school needs a token: pass --wonde-token or set SCHOOLSYNC_WONDE_TOKEN"
        )
    if api_base_url and not api_base_url.startswith(("http://", "https://")):
        raise ConfigError(f"--wonde-url must start with http:// or https://, not {api_base_url!r}")
    school = get_school(conn, key)
    conn.execute(
        sa.update(schools)
        .where(schools.c.id == school.id)
        .values(
            source_kind="wonde",
            wonde_school_id=wonde_school_id,
            api_base_url=api_base_url,
            token_encrypted=Fernet(secret_key).encrypt(token.encode()),
            connection_state="approved",
            sync_cursor=None,
            last_full_sync_at=None,
        )
    )
    return get_school(conn, key)
