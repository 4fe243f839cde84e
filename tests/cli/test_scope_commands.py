"""The sync scope in `school settings`: by name, and resettable."""

from __future__ import annotations

from tests.cli.conftest import add_school, schoolsync
from tests.cli.test_safeguard_commands import sandbox, subprocess_input, sync_json

__all__ = ["sandbox"]  # the fixture, shared


def test_scope_is_shown_by_name_and_can_be_reset(env, sandbox) -> None:
    box, base_url = sandbox
    key = add_school(env, base_url)
    sync_json(env, key)
    school = next(iter(box.schools.values()))
    first = min(school.subjects.values(), key=lambda s: s["name"].lower())
    # Step 1: untick the first subject; step 2: keep the classes; step 3: continue.
    wizard = subprocess_input(
        env, ["sync", key, "--manual", "--approved-by", "Mr Jones"], "1\n\n\ny\n"
    )
    assert "saved as the school's sync scope" in wizard

    shown = schoolsync(env, "school", "settings", key).stdout
    assert f"subjects left out (1): {first['name']}" in shown
    others = sorted((s["name"] for s in school.subjects.values() if s is not first), key=str.lower)
    assert f"subjects synced ({len(others)}): {', '.join(others)}" in shown
    assert not any(subject_id in shown for subject_id in school.subjects)  # no raw ids

    reset = schoolsync(env, "school", "settings", key, "--reset-scope").stdout
    assert "everything in the MIS" in reset and "The scope was reset" in reset
    back = sync_json(env, key)
    assert back["mode"] == "full" and back["counts"]["subject"] == {"restore": 1}
