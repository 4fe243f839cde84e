"""A school's connection to Wonde: its state, what it means, and what happens next. Pure.

Wonde's access states (specs/wonde-api.md §8) are the school's answer to our request:
pending, approved, audited (approved, and Wonde has checked the data), declined, revoked; and
offline when the school's MIS connector is down. A school fed only by files is `not_connected`.
Syncs run only where they can: `cannot_sync` says why not, in words a school reads.
"""

from __future__ import annotations

from typing import Literal

ConnectionState = Literal[
    "not_connected", "pending", "approved", "audited", "declined", "revoked", "offline"
]
CONNECTION_STATES: tuple[ConnectionState, ...] = (
    "not_connected",
    "pending",
    "approved",
    "audited",
    "declined",
    "revoked",
    "offline",
)
#: The states in which the MIS can be read.
SYNCABLE: frozenset[str] = frozenset({"approved", "audited"})

LABELS: dict[str, str] = {
    "not_connected": "Not connected to Wonde",
    "pending": "Waiting for the school to approve",
    "approved": "Connected",
    "audited": "Connected (checked by Wonde)",
    "declined": "Declined by the school",
    "revoked": "Access revoked by the school",
    "offline": "MIS connector offline",
}

_CONNECTED = "The MIS sync is set up: pupils are synced every night, and Start sync runs one now."

#: What happens next, in plain English, for the person who looks after the school.
NEXT_STEPS: dict[str, str] = {
    "not_connected": (
        "Pupils come from files (CTF or OneRoster) for now. To sync them from the MIS "
        "automatically, request the MIS sync and name the member of staff Wonde should contact."
    ),
    "pending": (
        "We have asked Wonde for access. If the school already uses Wonde, an admin approves "
        "the app in the Wonde portal, where it shows as pending; if not, the Wonde team will "
        "contact the person named to set up the link. Once it is approved, the first sync "
        "starts by itself and there is nothing else to do. If the school has approved and "
        "this still says waiting (Wonde's message did not reach us), request the MIS sync "
        "again: Wonde then confirms the approval at once. Until then you can import a CTF "
        "from the MIS."
    ),
    "approved": _CONNECTED,
    "audited": _CONNECTED,
    "declined": (
        "The school declined the request in the Wonde portal, so nothing is synced. The data "
        "already here is kept as it is. To try again, request the MIS sync again and ask the "
        "school's Wonde admin to approve it."
    ),
    "revoked": (
        "The school took access away in the Wonde portal, so syncing has stopped. The data "
        "already here is kept as it is. To start again, ask the school's Wonde admin to approve "
        "the app again."
    ),
    "offline": (
        "Wonde cannot reach the school's MIS at the moment, so syncing waits. Nothing needs "
        "doing here; if it lasts more than a day, ask the school to check the Wonde connector."
    ),
}

#: Why a sync cannot run in each state where it cannot.
_WHY_NOT: dict[str, str] = {
    "not_connected": "it is not connected to Wonde (import files for it instead)",
    "pending": (
        "the school has not approved the app in the Wonde portal yet (if it has, request the "
        "MIS sync again to pick up the approval)"
    ),
    "declined": "the school declined access in the Wonde portal",
    "revoked": "the school revoked access in the Wonde portal",
    "offline": "the school's MIS connector is offline",
}


def label(state: str) -> str:
    return LABELS.get(state, state.replace("_", " ").capitalize())


def next_step(state: str) -> str:
    return NEXT_STEPS.get(state, "")


def cannot_sync(state: str, school_name: str) -> str | None:
    """Why a sync of the school is skipped in this state, or None when it can run."""
    if state in SYNCABLE:
        return None
    why = _WHY_NOT.get(state, f"its connection is {state}")
    return f"The sync of {school_name} was skipped: {why}. Nothing was read or changed."


def state_for(source_kind: str, stored_state: str) -> str:
    """The state to show: a school fed by files is not connected, whatever is stored."""
    return "not_connected" if source_kind == "files" else stored_state


def state_after_check(meta: dict[str, object] | None) -> str:
    """A connected school's state from Wonde's `/meta/schools/{id}` (None: the token may no
    longer read the school, so access was revoked)."""
    if meta is None or meta.get("approved") is False:
        return "revoked"
    if meta.get("online") is False:
        return "offline"
    return "audited" if meta.get("audited") else "approved"
