"""Planning: the difference between a validated snapshot and the store, as a list of changes.
Pure: the store's rows come in as arguments.

Change kinds, per entity:
- people: `create`, `update` (field-level before/after), `leave` (status `left`: never deleted),
  `restore` (a leaver who came back);
- subjects, classes, groups: `create`, `update`, `delete` (status `deleted`: the row stays),
  `restore`;
- class and group memberships, contact links: `add`, `remove`, `update` (links only).

A complete snapshot (full sync) treats absence as "gone"; an incomplete one (incremental) only
learns of departures from its deletions. Records left out by validation, and people the school
excluded, are left exactly as they are.

Each stage is a module of `engine/planning/`, run here in the model's dependency `ORDER`: each
takes what the stages before it worked out (the subjects' ids for the classes, the people who
leave for the relations) and returns its changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from schoolsync.engine.identity import PersonKey, match_people
from schoolsync.engine.planning.known import KnownPeople
from schoolsync.engine.planning.people import plan_people
from schoolsync.engine.planning.relations import (
    class_members,
    group_members,
    plan_contact_links,
    plan_memberships,
)
from schoolsync.engine.planning.structures import class_values_with, plan_structures
from schoolsync.engine.username_patterns import username_base
from schoolsync.engine.validate import Validated
from schoolsync.model.changes import ORDER, Change, Plan, Stage
from schoolsync.model.current import (
    CLASS_FIELDS,
    GROUP_FIELDS,
    SUBJECT_FIELDS,
    Current,
    group_values,
    subject_values,
)

__all__ = ["Change", "Plan", "make_plan", "username_base"]


def make_plan(
    validated: Validated,
    current: Current,
    matched: Mapping[PersonKey, int] | None = None,
    username_pattern: str = "initial-surname",
    relinked: Mapping[str, Mapping[str, int]] | None = None,
) -> Plan:
    """`matched` is `identity.match_people` of the snapshot's people, if already worked out;
    `username_pattern` is the school's (`engine/username_patterns.py`); `relinked`, after an
    MIS switch, the structures matched by `relink` (kind -> source id -> stored id) instead of
    by their ids."""
    again = relinked or {}
    snapshot = validated.snapshot
    if matched is None:
        matched = match_people(
            snapshot.people, current.people, snapshot.contact_links, current.contact_links.keys()
        )
    known = KnownPeople.of(validated, current, matched)
    staged: dict[Stage, list[Change]] = {stage: [] for stage in ORDER}

    subjects = plan_structures(
        "subject", snapshot, snapshot.subjects, current.subjects, SUBJECT_FIELDS, subject_values,
        relinked=again.get("subject"),
    )  # fmt: skip
    staged["subject"].extend(subjects.changes)
    people = plan_people(validated, current, known, username_pattern)
    staged["person"].extend(people.changes)
    known = replace(known, leaving=people.leaving)
    classes = plan_structures(
        "class",
        snapshot,
        snapshot.classes,
        current.classes,
        CLASS_FIELDS,
        class_values_with(subjects.ids),
        skipped=validated.skipped_classes,
        relinked=again.get("class"),
    )
    staged["class"].extend(classes.changes)
    groups = plan_structures(
        "group", snapshot, snapshot.groups, current.groups, GROUP_FIELDS, group_values,
        relinked=again.get("group"),
    )  # fmt: skip
    staged["group"].extend(groups.changes)
    if "class" in snapshot.covers:
        staged["class_membership"].extend(
            plan_memberships(
                "class_membership",
                classes.ids,
                current.class_members,
                class_members(snapshot),
                known,
                classes.deleted,
            )
        )
    if "group" in snapshot.covers:
        staged["group_membership"].extend(
            plan_memberships(
                "group_membership",
                groups.ids,
                current.group_members,
                group_members(snapshot),
                known,
                groups.deleted,
            )
        )
    if "contact_link" in snapshot.covers:
        staged["contact_link"].extend(plan_contact_links(snapshot, current, known))
    return Plan(tuple(change for stage in ORDER for change in staged[stage]))
