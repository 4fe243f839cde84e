"""The API's People and Classes, as the pages show them, and a school's settings.

    GET   /api/schools/{key}/people                 ?q=&role=&status=&after_name=&after_id=
    GET   /api/schools/{key}/people/{person_id}     ids, classes, history (joining and leaving
                                                    classes included), newest first
    GET   /api/schools/{key}/classes                ?q=&after_name=&after_id=
    GET   /api/schools/{key}/classes/{class_id}     subject, teachers, pupils
    GET   /api/schools/{key}/settings               every setting and the sync scope in words
    PATCH /api/schools/{key}/settings               the settings named change, checked as
                                                    `schoolsync school settings` checks them

Lists come 50 at a time by keyset: `next` is the query that continues, or null at the end."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from schoolsync.services import people, schools
from schoolsync.settings_table import SETTINGS
from schoolsync.web.api_common import (
    CHECKED,
    MAX_INTEGER,
    Caller,
    SchoolKey,
    Store,
    answering,
    may_approve,
)

router = APIRouter(dependencies=CHECKED)

PersonId = Annotated[int, Path(ge=1, le=MAX_INTEGER, description="A person's id from .../people")]
ClassId = Annotated[int, Path(ge=1, le=MAX_INTEGER, description="A class's id from .../classes")]
Search = Annotated[str, Query(max_length=200, description="Part of a name, an email, an MIS id")]
AfterName = Annotated[str | None, Query(max_length=300, description="From `next`")]
AfterId = Annotated[int | None, Query(ge=1, le=MAX_INTEGER, description="From `next`")]


def _after(name: str | None, row_id: int | None) -> tuple[str, int] | None:
    return (name, row_id) if name is not None and row_id is not None else None


def _next(after: tuple[str, int] | None) -> dict[str, Any] | None:
    return {"after_name": after[0], "after_id": after[1]} if after else None


@router.get("/api/schools/{key}/people")
def list_people(
    key: SchoolKey,
    store: Store,
    q: Search = "",
    role: Annotated[str, Query(description="student, teacher, staff or contact")] = "",
    status: Annotated[str, Query(description="active or left")] = "",
    after_name: AfterName = None,
    after_id: AfterId = None,
) -> dict[str, Any]:
    with answering():
        found = people.people_page(
            store, key, search=q, role=role, status=status, after=_after(after_name, after_id)
        )
    return {
        "people": [
            {**dataclasses.asdict(r), "role_label": people.ROLES.get(r.role, r.role),
             "status_label": people.STATUSES.get(r.status, r.status)}
            for r in found.rows
        ],
        "next": _next(found.after),
    }  # fmt: skip


@router.get("/api/schools/{key}/people/{person_id}")
def person(key: SchoolKey, person_id: PersonId, store: Store) -> dict[str, Any]:
    with answering():
        found = people.person_detail(store, key, person_id)
    return {
        "id": person_id,
        "name": found.name,
        "role": found.role,
        "status": found.status,
        "ids": {label: value for label, value in found.ids},
        "classes": [{"id": class_id, "name": name} for class_id, name in found.classes],
        "history": [
            {"run_id": h.run_id, "at": h.when, "what": h.what, "change": h.change.as_json()}
            for h in found.history
        ],
    }


@router.get("/api/schools/{key}/classes")
def list_classes(
    key: SchoolKey,
    store: Store,
    q: Search = "",
    after_name: AfterName = None,
    after_id: AfterId = None,
) -> dict[str, Any]:
    with answering():
        found = people.classes_page(store, key, search=q, after=_after(after_name, after_id))
    return {"classes": [dataclasses.asdict(r) for r in found.rows], "next": _next(found.after)}


@router.get("/api/schools/{key}/classes/{class_id}")
def school_class(key: SchoolKey, class_id: ClassId, store: Store) -> dict[str, Any]:
    with answering():
        found = people.class_detail(store, key, class_id)
    return {
        "id": class_id,
        "name": found.name,
        "subject": found.subject,
        "year_group": found.year_group,
        "mis_id": found.mis_id,
        "teachers": [{"id": i, "name": name} for i, name in found.teachers],
        "pupils": [{"id": i, "name": name} for i, name in found.pupils],
    }


SenCode = Annotated[str, Field(max_length=10)]


class SettingsBody(BaseModel):
    """The settings to change; one left out stays as it is. The values are checked by the same
    rules as the CLI's and the Settings page's, and a bad one changes nothing."""

    # A misspelt setting would otherwise be dropped silently.
    model_config = ConfigDict(extra="forbid")

    alert_emails: list[Annotated[str, Field(max_length=254)]] | None = Field(None, max_length=50)
    safeguard_mode: str | None = Field(None, description="partial or strict")
    pupil_leavers_pct: float | None = None
    staff_leavers_pct: float | None = None
    email_changes_pct: float | None = None
    allowed_domains: list[Annotated[str, Field(max_length=253)]] | None = Field(
        None, max_length=100
    )
    require_email: list[Annotated[str, Field(max_length=20)]] | None = Field(None, max_length=10)
    import_pupils: bool | None = None
    import_teachers: bool | None = None
    import_staff: bool | None = None
    sync_contacts: bool | None = None
    sync_sen_types: bool | None = None
    sync_sen_provision: bool | None = None
    sen_missing_means_none: bool | None = None
    custom_sen_codes: (
        dict[Annotated[str, Field(max_length=4)], Annotated[str, Field(max_length=1)]] | None
    ) = Field(None, max_length=50, description='{"MP": "K"}: replaces the custom SEN codes')
    unexplained_as_unauthorised: bool | None = None
    sync_photos: bool | None = None
    username_pattern: str | None = Field(None, max_length=40)
    paused: bool | None = None
    sync_window: str | None = Field(None, max_length=20)
    daytime_every_hours: int | None = None
    school_hours: str | None = Field(None, max_length=20)
    full_sync_every_hours: int | None = None
    timezone: str | None = Field(None, max_length=64, description="e.g. Europe/London")


def _settings(view: schools.SchoolSettingsView) -> dict[str, Any]:
    # The time zone is a column of the school, not one of its JSON settings.
    values = {**view.settings.to_json(), "timezone": view.school.timezone}
    return {
        **{name: values[name] for name in schools.SETTING_NAMES},
        "scope": view.scope_lines,
        # Each setting as `schoolsync school settings` lists it: group, value, what it does.
        "settings": [
            {"name": s.name, "group": s.group, "value": values[s.name],
             "explanation": s.explanation, "cli_option": s.option}
            for s in SETTINGS
        ],
    }  # fmt: skip


@router.get("/api/schools/{key}/settings")
def read_settings(key: SchoolKey, store: Store) -> dict[str, Any]:
    with answering():
        return _settings(schools.update_settings(store, key))


@router.patch("/api/schools/{key}/settings")
def change_settings(
    key: SchoolKey, body: SettingsBody, store: Store, user: Caller
) -> dict[str, Any]:
    may_approve(user, "change a school's settings")
    with answering():
        return _settings(schools.update_settings(store, key, body.model_dump(exclude_none=True)))
