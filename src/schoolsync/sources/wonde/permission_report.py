"""Which features of the sync need which Wonde permission, and which of them the school has
granted: what its Permissions page shows (seeds/004). Pure: Wonde's permission objects in.

A required permission denied fails every run (naming it); an optional one denied leaves out
only what needs it, with a warning. Either way the school grants it in the Wonde portal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from schoolsync.sources.wonde.permissions import OPTIONAL


@dataclass(frozen=True, slots=True)
class Feature:
    what: str
    permission: str
    #: the setting that turns the feature off, if the school would rather not grant it
    setting: str | None = None


FEATURES = (
    Feature("Pupils: names, birthdays and gender", "students.read"),
    Feature("Pupils' UPNs, year groups and admission dates", "education_details.read"),
    Feature("Staff", "employees.read", "import_staff"),
    Feature("Staff roles: teaching or not", "employment_details.read"),
    Feature("Classes and their members", "classes.read"),
    Feature("Year, form and house groups", "groups.read"),
    Feature("Subjects", "subjects.read"),
    Feature("SEN, free school meals, pupil premium and EAL", "extended_details.read",
            "sync_sen_provision"),
    Feature("Attendance summaries", "attendance.read"),
    Feature("Pupil contacts: parents and carers", "contacts.read", "sync_contacts"),
    Feature("Emails of pupils, staff and contacts", "contact_details.read"),
    Feature("Pupil photos", "photos.read", "sync_photos"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FeatureAccess:
    feature: Feature
    #: True granted, False denied, None: Wonde did not list the permission at all
    granted: bool | None

    @property
    def required(self) -> bool:
        return self.feature.permission not in OPTIONAL

    @property
    def effect(self) -> str:
        """What the sync does about it, in the school's words."""
        if self.granted:
            return "Granted"
        if self.required:
            return "Not granted: every sync fails until it is"
        return "Not granted: left out of every sync, with a warning"


def permission_report(objects: Sequence[dict[str, Any]]) -> list[FeatureAccess]:
    approved = {
        str(o.get("identity")): o.get("approved") is True for o in objects if o.get("identity")
    }
    return [FeatureAccess(f, approved.get(f.permission)) for f in FEATURES]


def missing(report: Sequence[FeatureAccess]) -> list[FeatureAccess]:
    """The features whose permission is not granted, required ones first."""
    return sorted((a for a in report if not a.granted), key=lambda a: not a.required)
