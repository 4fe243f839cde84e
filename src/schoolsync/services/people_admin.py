"""Excluding one person from the import, listing the excluded, and archiving every person of a
role (so a school can upload its own list instead): one transaction each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schoolsync.errors import ConfigError

if TYPE_CHECKING:
    import sqlalchemy as sa

    from schoolsync.store.people_admin import PersonEntry

#: The roles `archive` takes, in the words people use, and the stored role of each.
ARCHIVABLE = {"pupil": "student", "student": "student", "teacher": "teacher", "staff": "staff",
              "contact": "contact"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Archived:
    role: str
    count: int
    #: the setting that still imports this role from the MIS, if it is on
    import_still_on: str | None


def exclude(
    engine: sa.Engine, key: str, named: str, *, by: str, now: dt.datetime, undo: bool = False
) -> PersonEntry:
    """Exclude the person named (MIS id, UPN or Wonde id) from the import, or include them
    again: every sync, full or incremental, leaves an excluded person exactly as they are."""
    from schoolsync.store import people_admin
    from schoolsync.store.schools import get_school

    with engine.begin() as conn:
        school = get_school(conn, key)
        person = people_admin.find_person(conn, school.id, named)
        people_admin.set_excluded(conn, person.id, not undo, by, now)
        return people_admin.find_person(conn, school.id, named)


def set_excluded_by_id(
    engine: sa.Engine, key: str, person_id: int, excluded: bool, *, by: str, now: dt.datetime
) -> None:
    """The same, for the web app's toggle, which knows the person by their stored id."""
    from schoolsync.errors import NotFound
    from schoolsync.store import people_admin
    from schoolsync.store.schools import get_school

    with engine.begin() as conn:
        school = get_school(conn, key)
        if people_admin.person_entry(conn, school.id, person_id) is None:
            raise NotFound(f"No person {person_id} in school {key}")
        people_admin.set_excluded(conn, person_id, excluded, by, now)


def person_entry(engine: sa.Engine, key: str, person_id: int) -> PersonEntry | None:
    """A person's exclusion (whether, by whom, when), or None if not of this school."""
    from schoolsync.store import people_admin
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        return people_admin.person_entry(conn, get_school(conn, key).id, person_id)


def excluded(engine: sa.Engine, key: str) -> list[PersonEntry]:
    from schoolsync.store import people_admin
    from schoolsync.store.schools import get_school

    with engine.connect() as conn:
        return people_admin.excluded_people(conn, get_school(conn, key).id)


def archive(engine: sa.Engine, key: str, role: str, now: dt.datetime) -> Archived:
    from schoolsync.engine.import_choices import TOGGLES
    from schoolsync.store import people_admin
    from schoolsync.store.schools import get_school

    stored_role = ARCHIVABLE.get(role.strip().lower())
    if stored_role is None:
        raise ConfigError(f"--role must be pupil, teacher, staff or contact, not {role!r}")
    with engine.begin() as conn:
        school = get_school(conn, key)
        count = people_admin.archive_role(conn, school.id, stored_role, now)
    setting = dict(TOGGLES)[stored_role]
    still_on = setting if getattr(school.settings, setting) else None
    return Archived(stored_role, count, still_on)


@dataclass(frozen=True, slots=True)
class AttendanceFigures:
    """A pupil's attendance as a school reads it, under its unexplained-absence setting."""

    possible: int
    present: int
    authorised: int
    unauthorised: int
    late: int
    unexplained: int
    #: whether `unauthorised` includes the unexplained absences
    unexplained_counted: bool


def attendance_figures(engine: sa.Engine, key: str, stored: str | None) -> AttendanceFigures | None:
    """The figures shown (and exported) for a stored attendance summary: with the school's
    *add unexplained absence to the unauthorised count* applied."""
    from schoolsync.model.current import attendance_from_stored
    from schoolsync.store.schools import get_school

    found = attendance_from_stored(stored)
    if found is None:
        return None
    with engine.connect() as conn:
        counted = get_school(conn, key).settings.unexplained_as_unauthorised
    return AttendanceFigures(
        found.possible, found.present, found.authorised, found.unauthorised_shown(counted),
        found.late, found.unexplained, counted,
    )  # fmt: skip
