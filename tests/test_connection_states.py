"""A school's connection state, pure: what Wonde's meta flags mean, and which states sync."""

from __future__ import annotations

import pytest

from schoolsync.model.connection import CONNECTION_STATES, cannot_sync, state_after_check

CHECKS = {
    "online and approved": ({"online": True, "approved": True, "audited": False}, "approved"),
    "checked by Wonde": ({"online": True, "approved": True, "audited": True}, "audited"),
    "connector down": ({"online": False, "approved": True, "audited": True}, "offline"),
    "approval withdrawn": ({"online": True, "approved": False}, "revoked"),
    "token no longer reads it": (None, "revoked"),
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_state_after_a_check(name: str) -> None:
    meta, state = CHECKS[name]
    assert state_after_check(meta) == state


def test_only_approved_and_audited_schools_sync() -> None:
    syncing = [s for s in CONNECTION_STATES if cannot_sync(s, "Larkfield") is None]
    assert syncing == ["approved", "audited"]
    assert cannot_sync("pending", "Larkfield") == (
        "The sync of Larkfield was skipped: the school has not approved the app in the Wonde "
        "portal yet (if it has, request the MIS sync again to pick up the approval). Nothing "
        "was read or changed."
    )
