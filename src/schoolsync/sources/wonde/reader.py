"""The Wonde API as a source: what one sync reads of a school, and the reader the pipeline uses.

A full read takes every record; an incremental one (`since`) only what changed plus the
deletions. The token comes from the school's stored connection; the regional base URL from the
school itself when the connection does not name one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from schoolsync.config import Settings
from schoolsync.errors import ConfigError, SourceAuthError, SourceNotFound
from schoolsync.model import Snapshot
from schoolsync.sources.base import Progress, SchoolConnection, SnapshotReader, no_progress
from schoolsync.sources.http import JsonHttp
from schoolsync.sources.wonde.client import (
    DEFAULT_BASE_URL,
    GRANT_HINT,
    WondeClient,
    base_url_for,
    make_http_client,
)
from schoolsync.sources.wonde.permissions import (
    endpoint_granted,
    granted_includes,
    is_optional,
    limit_to_granted,
)
from schoolsync.sources.wonde.records import RawSchool, build_snapshot

#: What one sync asks for, endpoint by endpoint. Contacts come with their pupils, because
#: only that route carries the relationship (mother, priority, parental responsibility).
STUDENT_INCLUDES = (
    "education_details,extended_details,contact_details,contacts,contacts.contact_details,"
    "sen_needs,attendance_summary"
)
EMPLOYEE_INCLUDES = "employment_details,contact_details"
CLASS_INCLUDES = "students,employees"
GROUP_INCLUDES = "students,employees"


def wonde_reader(
    settings: Settings, transport: httpx.BaseTransport | None = None
) -> SnapshotReader:
    """Reads a school connected to Wonde, with the timeouts and retries `settings` give;
    `transport` stands in for the network in tests."""

    def read(school: SchoolConnection, since: dt.datetime | None, progress: Progress) -> Snapshot:
        with connected(settings, school, transport) as wonde:
            return fetch_snapshot(
                wonde,
                updated_after=since,
                progress=progress,
                # Employees are one endpoint: read when either kind is imported (the
                # decision step leaves out the kind that is not).
                with_staff=school.settings.import_staff or school.settings.import_teachers,
                with_contacts=school.settings.sync_contacts,
            )

    return read


def permissions_reader(
    settings: Settings, transport: httpx.BaseTransport | None = None
) -> Callable[[SchoolConnection], list[dict[str, Any]]]:
    """Reads the Wonde permissions a school granted or denied (for its permissions page)."""

    def read(school: SchoolConnection) -> list[dict[str, Any]]:
        with connected(settings, school, transport) as wonde:
            return wonde.permissions()

    return read


@contextlib.contextmanager
def connected(
    settings: Settings, school: SchoolConnection, transport: httpx.BaseTransport | None
) -> Iterator[WondeClient]:
    token = school.token(settings.secret_key)
    if not school.wonde_school_id or not token:
        raise ConfigError(
            f"School {school.key} has no Wonde connection; import files for it instead "
            "(`schoolsync import`)"
        )
    with make_http_client(token, settings.wonde_timeout_seconds, transport) as client:
        http = JsonHttp(
            client,
            max_attempts=settings.wonde_max_attempts,
            max_backoff_seconds=settings.wonde_max_backoff_seconds,
            grant_hint=GRANT_HINT,
        )
        base_url = school.api_base_url
        if not base_url:
            # The regional domain comes from the school itself.
            probe = WondeClient(http, DEFAULT_BASE_URL, school.wonde_school_id)
            base_url = base_url_for(probe.school())
        yield WondeClient(http, base_url, school.wonde_school_id)


def fetch_raw(
    client: WondeClient,
    *,
    updated_after: dt.datetime | None = None,
    progress: Progress = no_progress,
    with_staff: bool = True,
    with_contacts: bool = True,
) -> RawSchool:
    """Read one school. With `updated_after`, only what changed since then plus deletions.

    An optional permission the school withholds (see `permissions`) does not end the
    read: what needs it is left out, and `RawSchool.withheld` names it."""
    school = client.school()
    since: dict[str, str] = {}
    if updated_after is not None:
        since = {"updated_after": updated_after.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")}
    counts = client.counts() if updated_after is None else {}
    withheld: set[str] = set()

    def fetch(path: str, include: str | None = None, count_key: str | None = None) -> list[Any]:
        while endpoint_granted(path, withheld):
            params = dict(since)
            granted = granted_includes(include, withheld)
            if granted:
                params["include"] = granted
            try:
                return client.all(path, params, progress, counts.get(count_key or path))
            except SourceAuthError as exc:
                if not is_optional(exc.permission) or exc.permission in withheld:
                    raise
                withheld.add(str(exc.permission))
        return []

    student_includes = STUDENT_INCLUDES
    if not with_contacts:
        student_includes = ",".join(
            item for item in STUDENT_INCLUDES.split(",") if item.split(".")[0] != "contacts"
        )
    raw = RawSchool(
        school=school,
        students=fetch("students", student_includes),
        employees=fetch("employees", EMPLOYEE_INCLUDES) if with_staff else [],
        subjects=fetch("subjects"),
        classes=fetch("classes", CLASS_INCLUDES),
        groups=fetch("groups", GROUP_INCLUDES),
        complete=updated_after is None,
        with_staff=with_staff,
    )
    raw.leavers = _leavers(fetch)
    if updated_after is not None:
        raw.contacts = fetch("contacts", "contact_details") if with_contacts else []
        raw.deletions = fetch("deletions")
    raw.withheld = frozenset(withheld)
    return raw


def _leavers(fetch: Callable[..., list[Any]]) -> list[Any]:
    """The school's leavers, where its Wonde has the endpoint (not every MIS gives it): each
    is a stored pupil who becomes `left`, even in an incremental sync."""
    try:
        return fetch("students-leaver")
    except SourceNotFound:
        return []


def fetch_snapshot(
    client: WondeClient,
    *,
    updated_after: dt.datetime | None = None,
    progress: Progress = no_progress,
    with_staff: bool = True,
    with_contacts: bool = True,
) -> Snapshot:
    raw = fetch_raw(
        client,
        updated_after=updated_after,
        progress=progress,
        with_staff=with_staff,
        with_contacts=with_contacts,
    )
    school_name = str(raw.school.get("name") or client.school_id)
    return limit_to_granted(build_snapshot(raw), raw.withheld, school_name)
