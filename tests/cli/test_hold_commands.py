"""Many holds at once (the start of a school year): one line per rule, the detail on request,
and approving one hold or one rule's holds from the command line while the rest stay held."""

from __future__ import annotations

import json

from tests.cli.conftest import add_school, schoolsync
from tests.cli.test_safeguard_commands import change, sandbox, sync_json

__all__ = ["sandbox"]  # the fixture, shared


def held_school(env, sandbox) -> tuple[str, list[dict]]:
    _box, base_url = sandbox
    key = add_school(env, base_url)
    sync_json(env, key)
    change(env, base_url, "start_of_year")
    assert sync_json(env, key)["status"] == "needs_approval"
    waiting = json.loads(schoolsync(env, "holds", key, "--json").stdout)
    return key, waiting


def test_many_emptied_classes_are_one_line_with_the_detail_on_request(env, sandbox) -> None:
    key, waiting = held_school(env, sandbox)
    emptied = [h for h in waiting if h["rule"] == "class_emptied"]
    assert len(emptied) >= 5
    assert {"id", "rule", "subject", "message", "losses", "changes"} <= set(emptied[0])

    for command in (["holds", key], ["sync", key], ["plan", key]):
        shown = schoolsync(env, *command).stdout
        assert shown.count("now has none in your MIS") == 0, command  # no line per class
        assert f"{len(emptied)} classes had pupils and now have none" in shown, command

    detail = schoolsync(env, "holds", key, "--detail").stdout
    assert detail.count("now has none in your MIS") == len(emptied)
    assert all(f"#{h['id']}" in detail for h in emptied)
    changes = [line for line in detail.splitlines() if "Changes: remove " in line]
    assert len(changes) == len(emptied)  # each hold's changes, by name
    assert all(f"in {h['subject']}" in detail for h in emptied)
    planned = schoolsync(env, "plan", key, "--detail").stdout
    assert planned.count("now has none in your MIS") == len(emptied)
    assert planned.count("Changes: remove ") == len(emptied)

    dry = json.loads(schoolsync(env, "plan", key, "--json").stdout)
    removals = [c for c in dry["changes"] if c["entity"] == "class_membership"]
    assert removals and all(" in " in c["name"] and c["held"] for c in removals)
    assert all(set(c["before"]) == {"class", "person", "role"} for c in removals)
    assert "parent_id" not in json.dumps(dry) and "person_id" not in json.dumps(dry)
    table = schoolsync(env, "plan", key, "--limit", "500").stdout
    assert "parent_id" not in table and removals[0]["before"]["person"] in table
    items = json.loads(schoolsync(env, "holds", key, "--json").stdout)[0]["items"]
    assert items and all(" in " in i["name"] and i["mis_id"] for i in items)
    assert "parent_id" not in json.dumps(items)

    result = json.loads(schoolsync(env, "sync", key, "--json").stdout)
    assert result["hold_groups"][0]["rule"] == "class_emptied"
    assert result["hold_groups"][0]["count"] == len(emptied)


def test_approving_one_hold_applies_it_and_keeps_the_rest(env, sandbox) -> None:
    key, waiting = held_school(env, sandbox)
    first = waiting[0]
    approved = json.loads(
        schoolsync(
            env, "holds", key, "--approve", str(first["id"]), "--approved-by", "Ms Patel", "--json"
        ).stdout
    )
    assert approved["counts"]["class_membership"] == {"remove": first["changes"]}
    assert approved["status"] == "needs_approval"
    detail = json.loads(schoolsync(env, "run", key, str(approved["run_id"]), "--json").stdout)
    removed = [c for c in detail["changes"] if c["entity"] == "class_membership"]
    assert len(removed) == first["changes"]
    assert all(c["name"].endswith(f"in {c['before']['class']}") for c in removed)
    assert all(first["subject"] in c["before"]["class"] for c in removed)
    assert "parent_id" not in json.dumps(detail) and "person_id" not in json.dumps(detail)
    table = schoolsync(env, "run", key, str(approved["run_id"])).stdout
    assert removed[0]["before"]["person"] in table and "parent_id" not in table
    unknown = schoolsync(env, "run", key, "9223372036854775808", check=False)
    assert unknown.returncode == 2 and "has no run" in unknown.stderr
    left = json.loads(schoolsync(env, "holds", key, "--json").stdout)
    assert sorted(h["subject"] for h in left) == sorted(h["subject"] for h in waiting[1:])
    assert json.loads(schoolsync(env, "history", key, "--json").stdout)[0]["status"] == (
        "needs_approval"
    )

    schoolsync(env, "holds", key, "--approve-rule", "class_emptied")
    assert "Nothing is waiting" in schoolsync(env, "holds", key).stdout


def test_an_unknown_hold_is_refused_and_nothing_is_approved(env, sandbox) -> None:
    key, waiting = held_school(env, sandbox)
    refused = schoolsync(env, "holds", key, "--approve", "999999", check=False)
    assert refused.returncode == 2 and "no hold #999999 is waiting" in refused.stderr
    typo = schoolsync(env, "holds", key, "--approve-rule", "class_emptyed", check=False)
    assert "nothing is held by rule 'class_emptyed'" in typo.stderr
    assert len(json.loads(schoolsync(env, "holds", key, "--json").stdout)) == len(waiting)

    runs = len(json.loads(schoolsync(env, "history", key, "--json").stdout))
    first = waiting[0]
    later = schoolsync(env, "holds", key, "--approve", str(first["id"]), "--later", "--json")
    assert [h["id"] for h in json.loads(later.stdout)] == [h["id"] for h in waiting[1:]]
    assert len(json.loads(schoolsync(env, "history", key, "--json").stdout)) == runs  # no run
    applied = sync_json(env, key)  # the next sync applies it
    assert applied["counts"]["class_membership"] == {"remove": first["changes"]}


def test_the_manual_sync_can_approve_one_hold_and_leave_the_rest(env, sandbox) -> None:
    from tests.cli.test_safeguard_commands import subprocess_input

    key, waiting = held_school(env, sandbox)
    # Steps 1 and 2: keep the choices; step 3: list the holds, then approve only the first.
    shown = subprocess_input(
        env, ["sync", key, "--manual", "--approved-by", "Ms Patel"], "\n\ndetail\n1\n"
    )
    assert f"{len(waiting)} classes had pupils and now have none" in shown
    assert shown.count("now has none in your MIS") == len(waiting)  # the detail, on request
    assert f"{len(waiting) - 1} hold(s) stay held" in shown
    left = json.loads(schoolsync(env, "holds", key, "--json").stdout)
    assert len(left) == len(waiting) - 1
    run = json.loads(schoolsync(env, "history", key, "--json").stdout)[0]
    assert (run["trigger"], run["status"]) == ("manual", "needs_approval")
