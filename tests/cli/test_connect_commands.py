"""`schoolsync school connect` asking Wonde for access (the sandbox over real HTTP): the school
is pending with what happens next, an already-approved school is connected at once, and a sync
of a school that cannot sync is skipped with its reason, not failed."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from schoolsync.sandbox import Sandbox, running_sandbox

from .conftest import TOKEN, schoolsync

SCHOOL_ID = "A1930499544"


@pytest.fixture
def sandbox() -> Iterator[tuple[Sandbox, str]]:
    box = Sandbox.demo(seed=3, pupils=60, token=TOKEN, approved=False)
    with running_sandbox(box) as base_url:
        yield box, base_url


def _files_school(env: dict[str, str]) -> str:
    added = schoolsync(env, "school", "add", "--name", "Larkfield Academy")
    return added.stdout.split()[-1]


def _connect(env: dict[str, str], key: str, base_url: str, *extra: str) -> str:
    result = schoolsync(
        env, "school", "connect", key, "--wonde-school-id", SCHOOL_ID,
        "--contact-name", "Jo Bloggs", "--contact-email", "jo@larkfield.sch.uk",
        "--contact-phone", "01234 567890", "--wonde-url", base_url, "--wonde-token", TOKEN,
        *extra,
    )  # fmt: skip
    return result.stdout


def test_requesting_access_leaves_the_school_pending_and_its_syncs_skipped(
    env: dict[str, str], sandbox: tuple[Sandbox, str]
) -> None:
    box, base_url = sandbox
    key = _files_school(env)
    said = _connect(env, key, base_url)
    assert "Waiting for the school to approve" in said
    assert "approves the app in the Wonde portal" in " ".join(said.split())
    assert box.access.state(TOKEN, SCHOOL_ID) == "pending"
    assert box.access.contacts[(TOKEN, SCHOOL_ID)] == [
        {"first_name": "Jo", "last_name": "Bloggs", "email_address": "jo@larkfield.sch.uk",
         "phone_number": "01234 567890"}
    ]  # fmt: skip

    listed = json.loads(schoolsync(env, "school", "list", "--json").stdout)
    assert [s["connection"] for s in listed] == ["pending"]
    table = schoolsync(env, "school", "list").stdout
    assert "Waiting for the school to approve" in table

    skipped = schoolsync(env, "sync", key, "--json")
    assert skipped.returncode == 0
    answer = json.loads(skipped.stdout)
    assert answer["status"] == "skipped"
    assert "has not approved the app in the Wonde portal" in answer["message"]
    history = json.loads(schoolsync(env, "history", key, "--json").stdout)
    assert history == []  # a skip is not a run: nothing failed


def test_a_school_that_already_approved_is_connected_at_once(
    env: dict[str, str], sandbox: tuple[Sandbox, str]
) -> None:
    box, base_url = sandbox
    box.approve(TOKEN, SCHOOL_ID)
    key = _files_school(env)
    answer = json.loads(_connect(env, key, base_url, "--json"))
    assert answer["state"] == "approved"
    synced = json.loads(schoolsync(env, "sync", key, "--json").stdout)
    assert synced["status"] in ("success", "success_with_warnings", "issues_exist")


def test_a_bad_contact_is_refused_before_wonde_is_asked(
    env: dict[str, str], sandbox: tuple[Sandbox, str]
) -> None:
    box, base_url = sandbox
    key = _files_school(env)
    refused = schoolsync(
        env, "school", "connect", key, "--wonde-school-id", SCHOOL_ID,
        "--contact-name", "Jo Bloggs", "--contact-email", "not-an-email",
        "--wonde-url", base_url, "--wonde-token", TOKEN, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "--contact-email must be an email address" in refused.stderr
    assert box.access.state(TOKEN, SCHOOL_ID) is None


def test_an_approval_whose_webhook_never_came_is_picked_up_by_asking_again(
    env: dict[str, str], sandbox: tuple[Sandbox, str]
) -> None:
    """No webhook URL (or the web app down): the school approved, yet stays pending here. The
    skip says what to do, and doing it connects the school."""
    box, base_url = sandbox
    key = _files_school(env)
    _connect(env, key, base_url)
    box.approve(TOKEN, SCHOOL_ID)  # in the Wonde portal; no webhook reaches us
    skipped = json.loads(schoolsync(env, "sync", key, "--json").stdout)
    assert skipped["status"] == "skipped"
    assert "request the MIS sync again to pick up the approval" in skipped["message"]
    assert json.loads(_connect(env, key, base_url, "--json"))["state"] == "approved"
    synced = json.loads(schoolsync(env, "sync", key, "--json").stdout)
    assert synced["status"] in ("success", "success_with_warnings", "issues_exist")


def test_a_wonde_id_wonde_does_not_know_is_named_as_the_wrong_value(
    env: dict[str, str], sandbox: tuple[Sandbox, str]
) -> None:
    _box, base_url = sandbox
    key = _files_school(env)
    refused = schoolsync(
        env, "school", "connect", key, "--wonde-school-id", "B000",
        "--contact-name", "Jo Bloggs", "--contact-email", "jo@larkfield.sch.uk",
        "--wonde-url", base_url, "--wonde-token", TOKEN, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "Wonde has no school with the id 'B000': check --wonde-school-id" in refused.stderr
    assert "HTTP 404" not in refused.stderr
    listed = json.loads(schoolsync(env, "school", "list", "--json").stdout)
    assert [s["connection"] for s in listed] == ["not_connected"]  # nothing stored


def test_school_check_follows_the_connector_offline_and_back(
    env: dict[str, str], sandbox: tuple[Sandbox, str]
) -> None:
    box, base_url = sandbox
    box.approve(TOKEN, SCHOOL_ID)
    key = _files_school(env)
    _connect(env, key, base_url)
    box.set_offline(SCHOOL_ID)
    checked = json.loads(schoolsync(env, "school", "check", key, "--json").stdout)
    assert checked["state"] == "offline"
    skipped = json.loads(schoolsync(env, "sync", key, "--json").stdout)
    assert skipped["status"] == "skipped" and "connector is offline" in skipped["message"]
    box.set_offline(SCHOOL_ID, False)
    back = json.loads(schoolsync(env, "school", "check", key, "--json").stdout)
    assert back["state"] in ("approved", "audited")
    box.revoke(TOKEN, SCHOOL_ID)
    gone = json.loads(schoolsync(env, "school", "check", key, "--json").stdout)
    assert gone["state"] == "revoked"
