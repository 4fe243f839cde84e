"""Wonde's webhook payloads (shared/cases/wonde/meta/webhooks.yaml), read as untrusted input.
Pure: a payload in, a `WondeWebhook` (or a `SourceDataError` naming the field) out.

Every payload names its `payload_type`. Whether it is true is another matter: the receiver
confirms each claim with Wonde's API before acting on it (services/webhooks.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from schoolsync.errors import SourceDataError

PAYLOAD_TYPES = (
    "schoolApproved",
    "accessRevoked",
    "accessDeclined",
    "schoolMigration",
    "writeback",
)
#: What Wonde ids look like: a letter and digits; anything else is not from Wonde.
_WONDE_ID = re.compile(r"^[A-Za-z][0-9]{1,20}$")
_TOKEN = re.compile(r"^[A-Za-z0-9._\-]{8,200}$")
_MAX_TEXT = 500


@dataclass(frozen=True, slots=True)
class WondeWebhook:
    payload_type: str
    school_id: str | None = None
    school_name: str | None = None
    #: schoolApproved only: the school's own token. Never logged, never stored in clear.
    school_token: str | None = None
    #: accessRevoked / accessDeclined: why, in Wonde's words
    reason: str | None = None
    migrate_from: str | None = None
    migrate_to: str | None = None

    def __repr__(self) -> str:  # a token must not reach a log through a repr
        return f"WondeWebhook({self.payload_type}, school {self.school_id})"


def _text(payload: Mapping[str, Any], field: str) -> str | None:
    value = payload.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str | int):
        raise SourceDataError(f"The webhook's {field} must be text")
    text = str(value).strip()
    if len(text) > _MAX_TEXT:
        raise SourceDataError(f"The webhook's {field} is longer than {_MAX_TEXT} characters")
    return text


def parse_webhook(payload: Mapping[str, Any]) -> WondeWebhook:
    kind = _text(payload, "payload_type")
    if kind not in PAYLOAD_TYPES:
        raise SourceDataError(
            f"The webhook's payload_type must be one of {', '.join(PAYLOAD_TYPES)}"
        )
    if kind == "writeback":
        return WondeWebhook(kind)
    school_id = _text(payload, "school_id")
    if school_id is None or not _WONDE_ID.match(school_id):
        raise SourceDataError("The webhook's school_id must be a Wonde school id (A…)")
    token = _text(payload, "school_token")
    if kind == "schoolApproved" and (token is None or not _TOKEN.match(token)):
        raise SourceDataError("The schoolApproved webhook's school_token is missing or malformed")
    return WondeWebhook(
        kind,
        school_id=school_id,
        school_name=_text(payload, "school_name"),
        school_token=token if kind == "schoolApproved" else None,
        reason=_text(payload, "revoke_reason") or _text(payload, "decline_reason"),
        migrate_from=_text(payload, "migrate_from"),
        migrate_to=_text(payload, "migrate_to"),
    )


def payload_digest(payload: Mapping[str, Any]) -> str:
    """The same payload, however it was encoded (JSON or form, in any key order), has the same
    digest: values are compared as text."""
    flat = {str(k): "" if v is None else str(v) for k, v in payload.items()}
    return hashlib.sha256(orjson.dumps(flat, option=orjson.OPT_SORT_KEYS)).hexdigest()
