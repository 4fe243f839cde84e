"""The first connection as a user runs it: real processes, the sandbox over HTTP, SQLite and
PostgreSQL. Existing accounts from `sandbox existing-accounts`, then match, resolve, choose,
merge, login cards and disconnect."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from schoolsync.sandbox import Sandbox, running_sandbox
from tests.cli.conftest import TOKEN, add_school, schoolsync

PUPILS = 200


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    with running_sandbox(Sandbox.demo(seed=1, pupils=PUPILS, token=TOKEN)) as base_url:
        yield base_url


@pytest.mark.slow
def test_import_match_resolve_merge_cards_disconnect(env, sandbox, tmp_path: Path) -> None:
    key = add_school(env, sandbox)
    folder = tmp_path / "existing"
    schoolsync(
        env, "sandbox", "existing-accounts", "--output", str(folder), "--pupils", str(PUPILS)
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("username,forename,surname,role\nx1,Ann,,student\nx2,Bo,Li,parent\n")
    refused = schoolsync(env, "import-existing", key, "--users", str(bad), check=False)
    assert refused.returncode == 1
    assert "bad.csv, line 2: surname is empty" in refused.stderr
    assert "bad.csv, line 3: role 'parent'" in refused.stderr

    loaded = json.loads(
        schoolsync(
            env, "import-existing", key, "--users", str(folder / "users.csv"),
            "--classes", str(folder / "classes.csv"),
            "--memberships", str(folder / "memberships.csv"), "--json",
        ).stdout
    )  # fmt: skip
    assert loaded["users"] > PUPILS * 0.8
    waiting = schoolsync(env, "sync", key)  # skipped, not failed: a scheduler just waits
    assert "Match and merge first" in waiting.stdout

    table = json.loads(schoolsync(env, "match", key, "--json").stdout)
    assert {c["suggested"] for c in table["classes"]} <= {"match", "import", "none"}
    matched = [c for c in table["classes"] if c["suggested"] == "match"]
    assert matched and all(c["evidence"] for c in matched)
    assert table["pupils"]["linked"] > 0 and table["to_resolve"]

    resolve = tmp_path / "resolve.csv"
    rows = ["mis_id,username_or_new"]
    for person in table["to_resolve"]:
        pick = person["candidates"][0]["username"] if person["candidates"] else "new"
        rows.append(f"{person['mis_id']},{pick}")
    resolve.write_text("\n".join(rows) + "\n")
    first = matched[0]
    choices = tmp_path / "choices.csv"
    choices.write_text(f"mis_class_id,action,existing_class_id\n{first['mis_class_id']},none,\n")
    changed = json.loads(
        schoolsync(
            env, "match", key, "--resolve", str(resolve), "--choices", str(choices), "--json"
        ).stdout
    )  # fmt: skip
    assert changed["to_resolve"] == []
    row = next(c for c in changed["classes"] if c["mis_class_id"] == first["mis_class_id"])
    assert (row["action"], row["changed"]) == ("none", True)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("mis_class_id,action,existing_class_id\nnope,match,\n")
    refused = schoolsync(env, "match", key, "--choices", str(wrong), check=False)
    assert refused.returncode == 1  # a bad file, as `import` exits for one
    assert "wrong.csv, line 2: mis_class_id 'nope' is not a class in the MIS" in refused.stderr

    merged = json.loads(schoolsync(env, "merge", key, "--json").stdout)
    assert merged["linked_accounts"] >= table["pupils"]["linked"]
    assert merged["left_alone_classes"] >= 1 and merged["status"] in ("success", "issues_exist")
    again = json.loads(schoolsync(env, "sync", key, "--full", "--json").stdout)
    assert again["counts"] == {}
    second = json.loads(schoolsync(env, "merge", key, "--json").stdout)
    assert second["linked_accounts"] == 0
    said = schoolsync(env, "merge", key).stdout  # what a school admin reads: no status codes
    assert "issues_exist" not in said and "success" not in said
    assert any(f"(run {n}: " in said for n in range(1, 50))
    assert "Successful" in said or "Issues exist" in said
    shown = schoolsync(env, "login-cards", key).stdout
    assert "--class NAME --output cards.html" in shown  # the next step, after the list

    listed = json.loads(schoolsync(env, "login-cards", key, "--json").stdout)
    assert listed
    cards = tmp_path / "cards.html"
    made = schoolsync(env, "login-cards", key, "--class", listed[0]["name"], "--output", str(cards))
    assert "with a new password" in made.stdout
    html = cards.read_text()
    assert html.count('class="card"') == listed[0]["pupils"]
    assert "Password" in html and "given out on" not in html
    schoolsync(env, "login-cards", key, "--class", listed[0]["name"], "--output", str(cards))
    assert "given out on" in cards.read_text()  # shown once: the second cards do not repeat it

    schoolsync(env, "disconnect", key)
    stopped = json.loads(schoolsync(env, "sync", key, "--json").stdout)
    assert stopped["status"] == "skipped" and "disconnected" in stopped["message"]
    classes = json.loads(schoolsync(env, "classes", key, "--json").stdout)
    assert classes  # accounts and classes stay exactly as they were


@pytest.mark.slow
def test_match_interactively(env, sandbox, tmp_path: Path) -> None:
    """Enter keeps each suggestion; `n` for the first class makes it No action."""
    import subprocess
    import sys

    key = add_school(env, sandbox)
    folder = tmp_path / "existing"
    schoolsync(
        env, "sandbox", "existing-accounts", "--output", str(folder), "--pupils", str(PUPILS)
    )
    schoolsync(
        env, "import-existing", key, "--users", str(folder / "users.csv"),
        "--classes", str(folder / "classes.csv"), "--memberships", str(folder / "memberships.csv"),
    )  # fmt: skip
    before = json.loads(schoolsync(env, "match", key, "--json").stdout)
    first = before["classes"][0]
    answers = "n\n" + "\n" * 400  # No action for the first class, the rest as suggested
    asked = subprocess.run(
        [sys.executable, "-m", "schoolsync", "match", key, "--interactive"],
        env=env, input=answers, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert "m = Match, i = Import for the first time, n = No action" in asked.stdout
    after = json.loads(schoolsync(env, "match", key, "--json").stdout)
    chosen = {c["mis_class_id"]: c["action"] for c in after["classes"]}
    assert chosen[first["mis_class_id"]] == "none"
    assert [c["action"] for c in after["classes"][1:]] == [
        c["suggested"] for c in before["classes"][1:]
    ]
