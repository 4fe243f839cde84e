"""Wonde permissions a school may withhold without stopping its sync. Pure: no I/O.

A school approves permissions one by one in the Wonde portal, and some are optional (its
contacts, their contact details, SEN and attendance). A school that withholds one still wants
its pupils, staff and classes synced: the read leaves out the includes and endpoints that need
the permission, and the snapshot then no longer speaks for what they would have given (stored
contacts are kept, not marked as leavers; stored emails are kept, not blanked). Each withheld
permission is a warning naming it, so the school knows what to approve.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from schoolsync.model import Issue, Snapshot
from schoolsync.model.current import PERSON_FIELDS


@dataclass(frozen=True, slots=True)
class Withholdable:
    #: what goes missing, in the school's words
    what: str
    #: include segments that need the permission ("contacts" also drops "contacts.x")
    includes: frozenset[str] = frozenset()
    #: endpoints that need it
    endpoints: frozenset[str] = frozenset()
    #: person fields and entity families the read no longer speaks for without it
    person_fields: frozenset[str] = frozenset()
    families: frozenset[str] = frozenset()


OPTIONAL: dict[str, Withholdable] = {
    "contacts.read": Withholdable(
        "pupils' parents and carers",
        includes=frozenset({"contacts"}),
        endpoints=frozenset({"contacts"}),
        families=frozenset({"contact", "contact_link"}),
    ),
    "contact_details.read": Withholdable(
        "emails",
        includes=frozenset({"contact_details"}),
        person_fields=frozenset({"email"}),
    ),
    "extended_details.read": Withholdable(
        "SEN, free school meals, pupil premium and EAL",
        includes=frozenset({"extended_details", "sen_needs"}),
        person_fields=frozenset(
            {
                "sen_status",
                "sen_needs",
                "free_school_meals",
                "pupil_premium",
                "english_additional_language",
            }
        ),
    ),
    "photos.read": Withholdable("pupils' photos", includes=frozenset({"photo"})),
    "attendance.read": Withholdable(
        "attendance summaries",
        includes=frozenset({"attendance_summary"}),
        person_fields=frozenset({"attendance"}),
    ),
}


def is_optional(permission: str | None) -> bool:
    return permission in OPTIONAL


def granted_includes(include: str | None, withheld: Iterable[str]) -> str | None:
    """The `include=` value without the includes a withheld permission would refuse."""
    if not include:
        return include
    refused = {segment for p in withheld for segment in OPTIONAL[p].includes}
    kept = [item for item in include.split(",") if not refused & set(item.split("."))]
    return ",".join(kept) or None


def endpoint_granted(path: str, withheld: Iterable[str]) -> bool:
    return not any(path in OPTIONAL[p].endpoints for p in withheld)


def limit_to_granted(snapshot: Snapshot, withheld: Iterable[str], school_name: str) -> Snapshot:
    """The snapshot speaking only for what the granted permissions let it read, with a
    warning for each permission withheld."""
    withheld = sorted(set(withheld))
    if not withheld:
        return snapshot
    fields = {field for p in withheld for field in OPTIONAL[p].person_fields}
    families = {family for p in withheld for family in OPTIONAL[p].families}
    owned = snapshot.person_fields if snapshot.person_fields is not None else PERSON_FIELDS
    warnings = tuple(
        Issue(
            entity="school",
            entity_name=school_name,
            message=(
                f"The school has not granted the '{p}' permission, so {OPTIONAL[p].what} "
                "were not synced (everything else was). Ask the school to approve it in the "
                "Wonde portal."
            ),
            severity="warning",
        )
        for p in withheld
    )
    return dataclasses.replace(
        snapshot,
        person_fields=frozenset(owned) - fields if fields else snapshot.person_fields,
        covers=snapshot.covers - families,
        read_issues=snapshot.read_issues + warnings,
    )
