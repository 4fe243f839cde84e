"""Connecting a school end to end over real HTTP: request, approval by webhook and the first
sync; a repeated and a forged webhook change nothing; revocation stops syncing, keeps the data
and emails the school's admins once; JSON and form bodies; a body too large."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from schoolsync.config import Settings
from schoolsync.errors import SyncSkipped
from schoolsync.sandbox import DEMO_SCHOOL_ID
from schoolsync.sandbox.webhooks import access_payload
from schoolsync.services.syncing import run_sync
from tests.engine.test_safeguards import Inbox, inbox  # noqa: F401  (the fixture)

from .scene import ADMIN, connecting


def test_request_then_approval_by_webhook_starts_the_first_sync(
    engine: sa.Engine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with connecting(engine, settings, None) as scene:
        scene.request()
        assert scene.state() == "pending"
        assert scene.school().contact_name == "Jo Bloggs"

        answer = scene.school_says("approve")
        assert answer["webhook_status"] == 200
        assert scene.state() == "approved"
        progress = scene.wait_for_sync()
        assert progress.status in ("success", "success_with_warnings", "issues_exist")
        assert scene.active_people() > 80  # pupils, staff and their contacts

        # The school's own token is what is stored, encrypted.
        [school_token] = list(scene.sandbox.access.school_tokens)
        stored = scene.school()
        assert stored.token(settings.secret_key) == school_token
        assert school_token.encode() not in (stored.token_encrypted or b"")
        assert school_token not in caplog.text


def test_a_repeated_and_a_forged_webhook_change_nothing(
    engine: sa.Engine, settings: Settings
) -> None:
    with connecting(engine, settings, None) as scene:
        scene.request()
        school = scene.sandbox.schools[DEMO_SCHOOL_ID]
        # A forged approval: a made-up token that Wonde does not know.
        forged = access_payload(school, "approve", "f" * 40)
        refused = scene.post_webhook(forged)
        assert refused.status_code == 403
        assert scene.state() == "pending" and scene.runs() == []

        scene.school_says("approve")
        scene.wait_for_sync()
        runs = scene.runs()
        [school_token] = list(scene.sandbox.access.school_tokens)
        # The same approval again (as a form this time): already received, nothing changes.
        again = scene.post_webhook(access_payload(school, "approve", school_token), form=True)
        assert again.status_code == 200 and "Already received" in again.json()["message"]
        assert scene.runs() == runs

        # A forged revocation while Wonde still lets us in: refused, still approved.
        fake_revoke = scene.post_webhook(access_payload(school, "revoke", reason="forged"))
        assert fake_revoke.status_code == 403
        assert scene.state() == "approved"


def test_revocation_stops_syncing_keeps_the_data_and_emails_the_admins_once(
    engine: sa.Engine,
    settings: Settings,
    inbox: tuple[Inbox, int],  # noqa: F811
) -> None:
    handler, port = inbox
    with connecting(engine, settings, port) as scene:
        scene.request()
        scene.school_says("approve")
        scene.wait_for_sync()
        kept = scene.active_people()

        answer = scene.school_says("revoke", reason="Moving to another supplier")
        assert answer["webhook_status"] == 200
        assert scene.state() == "revoked"
        assert scene.school().connection_reason == "Moving to another supplier"
        [message] = handler.messages
        assert message["To"] == ADMIN
        assert "has stopped" in message["Subject"]
        body = message.get_payload()
        assert "Nothing has been deleted" in body and "Moving to another supplier" in body

        # Wonde sends it again: nothing new, no second email.
        school = scene.sandbox.schools[DEMO_SCHOOL_ID]
        repeat = scene.post_webhook(
            access_payload(school, "revoke", reason="Moving to another supplier")
        )
        assert repeat.status_code == 200
        assert len(handler.messages) == 1

        with pytest.raises(SyncSkipped, match="revoked access"):
            run_sync(engine, settings, scene.key)
        assert scene.active_people() == kept


def test_a_declined_request_arrives_as_a_form_and_is_confirmed(
    engine: sa.Engine, settings: Settings
) -> None:
    with connecting(engine, settings, None) as scene:
        scene.request()
        answer = scene.school_says("decline", reason="Not this year", encoding="form")
        assert answer["webhook_status"] == 200
        assert scene.state() == "declined"
        with pytest.raises(SyncSkipped, match="declined access"):
            run_sync(engine, settings, scene.key)


def test_unreadable_and_oversized_bodies_are_refused(engine: sa.Engine, settings: Settings) -> None:
    with connecting(engine, settings, None) as scene:
        scene.request()
        import httpx

        url = f"{scene.site}/webhooks/wonde"
        assert httpx.post(url, content=b"x" * 100_000).status_code == 413
        assert (
            httpx.post(
                url, content=b"{not json", headers={"Content-Type": "application/json"}
            ).status_code
            == 422
        )
        unknown = httpx.post(url, json={"payload_type": "somethingElse", "school_id": "A1"})
        assert unknown.status_code == 422 and "payload_type" in unknown.json()["message"]
        assert scene.state() == "pending"
