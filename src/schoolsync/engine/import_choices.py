"""The school's import toggles applied to what the MIS sent. Pure.

A type the school turned off (pupils, teachers, staff, contacts) is not imported from the MIS,
and the school's own records of it are left exactly as they are: none is created, updated or
marked as a leaver, whatever the MIS says. Only the MIS (Wonde) is held to the toggles: a file
a person imports (the school's own staff list, say) is exactly what they chose to bring in.
"""

from __future__ import annotations

from dataclasses import replace

from schoolsync.model import Snapshot
from schoolsync.school_settings import SchoolSettings

#: each role and the setting that imports it
TOGGLES = (
    ("student", "import_pupils"),
    ("teacher", "import_teachers"),
    ("staff", "import_staff"),
    ("contact", "sync_contacts"),
)


def roles_turned_off(settings: SchoolSettings) -> frozenset[str]:
    return frozenset(role for role, name in TOGGLES if not getattr(settings, name))


def apply_import_choices(snapshot: Snapshot, settings: SchoolSettings) -> Snapshot:
    off = roles_turned_off(settings)
    if snapshot.source != "wonde" or not off:
        return snapshot
    covers = set(snapshot.covers)
    links = snapshot.contact_links
    if "student" in off:
        covers.discard("pupil")
    if {"teacher", "staff"} <= off:
        covers.discard("employee")
    if "contact" in off:
        covers -= {"contact", "contact_link"}
        links = ()
    return replace(
        snapshot,
        people=tuple(p for p in snapshot.people if p.role not in off),
        contact_links=links,
        covers=frozenset(covers),
        roles_left_alone=snapshot.roles_left_alone | off,
    )
