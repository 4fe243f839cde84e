"""Finding a class's MIS id, and refusing a class that does not exist."""

from __future__ import annotations

import json

from tests.cli.conftest import add_school, schoolsync
from tests.cli.test_safeguard_commands import sandbox, sync_json

__all__ = ["sandbox"]  # the fixture, shared


def test_classes_lists_mis_ids_and_searches(env, sandbox) -> None:
    box, base_url = sandbox
    key = add_school(env, base_url)
    sync_json(env, key)
    school = next(iter(box.schools.values()))
    record = next(iter(school.classes.values()))

    listed = json.loads(schoolsync(env, "classes", key, "--json").stdout)
    assert len(listed) == len(school.classes)
    assert {c["mis_id"] for c in listed} == {c["mis_id"] for c in school.classes.values()}
    one = next(c for c in listed if c["mis_id"] == record["mis_id"])
    assert one["name"] == record["name"] and one["pupils"] > 0 and one["subject"]

    found = json.loads(
        schoolsync(env, "classes", key, "--search", record["name"].upper(), "--json").stdout
    )
    assert record["mis_id"] in {c["mis_id"] for c in found}
    assert len(found) < len(listed)
    table = schoolsync(env, "classes", key, "--search", record["name"]).stdout
    assert record["mis_id"] in table and record["name"] in table
    assert "No classes match" in schoolsync(env, "classes", key, "--search", "zzqx").stdout


def test_dependents_refuse_an_unknown_class(env, sandbox) -> None:
    _box, base_url = sandbox
    key = add_school(env, base_url)
    sync_json(env, key)
    refused = schoolsync(
        env, "class", "dependents", key, "no-such-class", "--count", "3", check=False
    )
    assert refused.returncode != 0
    assert "no class with MIS id 'no-such-class'" in refused.stderr
    assert f"schoolsync classes {key}" in refused.stderr
