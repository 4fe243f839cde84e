"""Schools: adding and connecting one, listing them, their settings, and what hangs off a class."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schoolsync.errors import NotFound
from schoolsync.settings_table import SETTINGS, merge_sen_codes

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.config import Settings
    from schoolsync.school_settings import SchoolSettings
    from schoolsync.store.catalogue import ClassEntry
    from schoolsync.store.schools import School

#: The settings `update_settings` changes: every one in the settings table, and the school's
#: time zone (a column of the school, not a JSON setting: Wonde tells it too).
SETTING_NAMES = (*(setting.name for setting in SETTINGS), "timezone")


@dataclass(frozen=True, slots=True)
class SchoolSettingsView:
    """A school's settings, with its sync scope in words (subjects and classes by name)."""

    school: School
    settings: SchoolSettings
    scope_lines: list[str]


def add_school(
    engine: sa.Engine,
    settings: Settings,
    *,
    name: str,
    now: dt.datetime,
    wonde_school_id: str | None = None,
    wonde_url: str | None = None,
    wonde_token: str | None = None,
    email_domains: Sequence[str] = (),
    require_email: str | None = None,
) -> School:
    """A new school, fed by Wonde when it has a Wonde id, else by files. The token defaults to
    the configured one (`SCHOOLSYNC_WONDE_TOKEN`)."""
    from schoolsync.school_settings import SchoolSettings, parse_domains, parse_roles
    from schoolsync.store import schools as school_store

    token = (wonde_token or settings.wonde_token) if wonde_school_id else None
    values = SchoolSettings().to_json()
    if email_domains:
        values["allowed_domains"] = parse_domains(list(email_domains))
    if require_email is not None:
        values["require_email"] = sorted(parse_roles(require_email))
    policy = SchoolSettings.from_json(values)
    with engine.begin() as conn:
        return school_store.add_school(
            conn,
            name=name,
            now=now,
            secret_key=settings.secret_key,
            wonde_school_id=wonde_school_id,
            api_base_url=wonde_url,
            token=token,
            settings=policy,
        )


def connect_school(
    engine: sa.Engine,
    settings: Settings,
    key: str,
    *,
    wonde_school_id: str,
    wonde_url: str | None = None,
    wonde_token: str | None = None,
) -> School:
    """Feed a school (one fed by files so far, say) from Wonde from now on."""
    from schoolsync.store import schools as school_store

    with engine.begin() as conn:
        return school_store.connect_wonde(
            conn,
            key,
            wonde_school_id=wonde_school_id,
            token=wonde_token or settings.wonde_token or "",
            secret_key=settings.secret_key,
            api_base_url=wonde_url,
        )


def list_schools(engine: sa.Engine) -> list[School]:
    from schoolsync.store import schools as school_store

    with engine.connect() as conn:
        return school_store.list_schools(conn)


def update_settings(
    engine: sa.Engine,
    key: str,
    changes: Mapping[str, Any] | None = None,
    *,
    reset_scope: bool = False,
) -> SchoolSettingsView:
    """Check and store the settings given (None leaves one as it is) and return them all; with
    no changes, only reads. `reset_scope` forgets the manual syncs' choices: the next sync
    brings across everything. A bad value raises `ConfigError` naming it; nothing is stored."""
    from schoolsync.engine.scope import Scope, describe_scope
    from schoolsync.school_settings import SchoolSettings
    from schoolsync.store import schools as school_store
    from schoolsync.store.catalogue import structure_names

    given = {k: v for k, v in (changes or {}).items() if v is not None}
    unknown = sorted(set(given) - set(SETTING_NAMES))
    if unknown:
        from schoolsync.errors import ConfigError

        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
    zone = given.pop("timezone", None)
    with engine.begin() as conn:
        record = school_store.get_school(conn, key)
        if zone is not None:
            school_store.set_timezone(conn, record.id, _checked_zone(zone))
            record = school_store.get_school(conn, key)
        if isinstance(given.get("custom_sen_codes"), list | tuple):
            # The CLI's `--custom-sen-code MP=K` adds to the codes; a mapping replaces them.
            given["custom_sen_codes"] = merge_sen_codes(
                record.settings.custom_sen_codes, list(given["custom_sen_codes"])
            )
        values = {**record.settings.to_json(), **given}
        if reset_scope:
            values.update(scope_subjects=None, scope_classes=None, scope_known_classes=None)
        updated = SchoolSettings.from_json(values)
        if given or reset_scope:
            school_store.update_settings(conn, record.id, updated)
        if reset_scope:
            school_store.forget_sync_point(conn, record.id)
        subject_names, class_names = structure_names(conn, record.id)
    lines = describe_scope(Scope.of(updated), subject_names, class_names)
    return SchoolSettingsView(record, updated, lines)


def _checked_zone(name: str) -> str:
    from schoolsync.errors import ConfigError
    from schoolsync.scheduling.windows import zone_of

    try:
        zone_of(name)
    except ValueError as exc:
        raise ConfigError(f"timezone: {exc}") from exc
    return name


def set_class_dependents(
    engine: sa.Engine, key: str, class_mis_id: str, count: int, label: str, now: dt.datetime
) -> None:
    """Record what the product hangs off a class, so warnings say what a change would lose."""
    from schoolsync.store import schools as school_store
    from schoolsync.store.catalogue import class_known
    from schoolsync.store.holds import set_dependents

    with engine.begin() as conn:
        record = school_store.get_school(conn, key)
        if not class_known(conn, record.id, class_mis_id):
            # Dependents of a class the school never had would warn about nothing, forever.
            raise NotFound(
                f"School {record.key} has no class with MIS id {class_mis_id!r}; "
                f"`schoolsync classes {record.key} --search NAME` finds a class's MIS id"
            )
        set_dependents(conn, record.id, class_mis_id, count, label.strip() or "items", now)


def find_classes(engine: sa.Engine, key: str, search: str | None = None) -> list[ClassEntry]:
    """The school's synced classes by name, with their MIS ids; `search` matches the name,
    code, MIS id or subject, whatever the case."""
    from schoolsync.store import schools as school_store
    from schoolsync.store.catalogue import find_classes as find

    with engine.connect() as conn:
        return find(conn, school_store.get_school(conn, key).id, search)


def school_named(engine: sa.Engine, key: str) -> School:
    """The school with this key; an unknown key raises `SchoolNotFound`."""
    from schoolsync.store import schools as school_store

    with engine.connect() as conn:
        return school_store.get_school(conn, key)


def replace_settings(engine: sa.Engine, key: str, settings: SchoolSettings) -> None:
    """Store settings already checked whole (the web form checks every field before this)."""
    from schoolsync.store import schools as school_store

    with engine.begin() as conn:
        school_store.update_settings(conn, school_store.get_school(conn, key).id, settings)
