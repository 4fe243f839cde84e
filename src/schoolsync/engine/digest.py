"""A plan's fingerprint: an approval names the exact plan a person saw. Pure."""

from __future__ import annotations

import hashlib

import orjson

from schoolsync.model.changes import Plan


def plan_digest(plan: Plan) -> str:
    """A hash of exactly what would be written: an approval is tied to it. (orjson writes a
    `NewRef` as its fields, so a reference to a record the plan creates counts too.)"""
    hasher = hashlib.sha256()
    for change in plan.changes:
        hasher.update(
            orjson.dumps(
                [
                    change.entity,
                    change.kind,
                    change.key,
                    change.record_id,
                    change.after,
                    change.before,
                ],
                option=orjson.OPT_SORT_KEYS,
                default=str,
            )
        )
    return hasher.hexdigest()
