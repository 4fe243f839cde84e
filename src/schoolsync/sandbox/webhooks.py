"""Wonde's webhooks, as the sandbox sends them to the application's URL.

The payloads follow shared/cases/wonde/meta/webhooks.yaml: every one has `payload_type` and the
school's identifiers. How Wonde encodes them is not documented (specs/wonde-api.md §8), so the
sandbox can send either JSON or a form body, and the receiver must take both.
"""

from __future__ import annotations

from typing import Any, Literal

import httpx

from schoolsync.sandbox.state import SandboxSchool

Encoding = Literal["json", "form"]
ENCODINGS: tuple[Encoding, ...] = ("json", "form")

#: The webhook each decision sends.
PAYLOAD_TYPES = {
    "approve": "schoolApproved",
    "decline": "accessDeclined",
    "revoke": "accessRevoked",
}


def school_fields(school: SandboxSchool) -> dict[str, Any]:
    profile = school.profile
    return {
        "school_id": school.id,
        "school_name": school.name,
        "school_la_code": str(profile.get("la_code") or ""),
        "school_urn": str(profile.get("urn") or ""),
        "school_establishment_number": str(profile.get("establishment_number") or ""),
    }


def access_payload(
    school: SandboxSchool, decision: str, school_token: str = "", reason: str = ""
) -> dict[str, Any]:
    payload: dict[str, Any] = {"payload_type": PAYLOAD_TYPES[decision], **school_fields(school)}
    if decision == "approve":
        payload["school_token"] = school_token
    elif decision == "decline":
        payload["decline_reason"] = reason or "The school declined the request."
    else:
        payload["revoke_reason"] = reason or "The school revoked access."
    return payload


def migration_payload(
    school: SandboxSchool, migrate_from: str, migrate_to: str, at: str
) -> dict[str, Any]:
    return {
        "payload_type": "schoolMigration",
        "school_id": school.id,
        "school_name": school.name,
        "migrate_from": migrate_from,
        "migrate_to": migrate_to,
        "scheduled_at": at,
        "completed_at": at,
    }


def deliver(url: str, payload: dict[str, Any], encoding: Encoding = "json") -> int:
    """POST the payload; the receiver's status code, or 0 when nothing answered."""
    try:
        if encoding == "form":
            form = {k: "" if v is None else str(v) for k, v in payload.items()}
            response = httpx.post(url, data=form, timeout=30)
        else:
            response = httpx.post(url, json=payload, timeout=30)
    except httpx.HTTPError:
        return 0
    return response.status_code
