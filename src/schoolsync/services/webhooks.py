"""Receiving Wonde's webhooks: every payload is untrusted until Wonde's API confirms it.

    schoolApproved   the per-school token must read the school -> approved; the token is
                     stored encrypted and the first sync is queued
    accessRevoked    the stored token must no longer read the school -> revoked
    accessDeclined   Wonde must list the school under /schools/declined -> declined
    schoolMigration  the school must read, on the MIS named -> the next sync re-links
                     everyone (engine/relink.py)
    writeback        noted; write-backs are followed up where they are made

A payload already received (same digest) changes nothing. Revoked and declined schools keep
their data; their admins (and the school's alert emails) are told once, when the state changes.
Nothing here logs a payload or a token: only the type, the school key and the outcome.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from schoolsync.errors import SourceDataError
from schoolsync.sources.wonde.webhooks import WondeWebhook, parse_webhook, payload_digest

if TYPE_CHECKING:
    import httpx

    from schoolsync.config import Settings
    from schoolsync.notify import Mailer
    from schoolsync.store.schools import School

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Received:
    """What the receiver answers: an HTTP status and the outcome in words (no token)."""

    status: int
    outcome: str
    #: schools whose sync should start now (an approval's first sync)
    sync: tuple[str, ...] = ()


@dataclass
class WebhookReceiver:
    """What handling a webhook needs besides the store: the settings (the key that encrypts
    tokens, Wonde's timeouts), a mailer (None sends no email) and, in tests, a transport."""

    settings: Settings
    mailer: Mailer | None = None
    base_url: str | None = None
    transport: httpx.BaseTransport | None = None
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookReceiver:
        """Emailing through the configured SMTP server, if any; linking to the web app."""
        from schoolsync.alerts import SmtpMailer

        mailer = SmtpMailer(settings.smtp) if settings.smtp else None
        return cls(settings, mailer=mailer, base_url=settings.base_url)

    def receive(self, engine: sa.Engine, payload: Mapping[str, Any]) -> Received:
        try:
            hook = parse_webhook(payload)
        except SourceDataError as exc:
            return Received(422, str(exc))
        digest = payload_digest(payload)
        if _seen(engine, digest):
            return Received(200, "Already received; nothing changed.")
        if hook.payload_type == "writeback":
            _record(engine, digest, hook, None, "noted", self.now())
            return Received(200, "Noted.")
        with engine.connect() as conn:
            from schoolsync.store.connections import schools_with_wonde_id

            found = schools_with_wonde_id(conn, str(hook.school_id))
        if not found:
            return Received(200, "No school here has that Wonde id; nothing changed.")
        confirmed = [s for s in found if self._confirmed(hook, s)]
        if not confirmed:
            log.warning("a %s webhook could not be confirmed with Wonde", hook.payload_type)
            return Received(403, "Wonde's API does not confirm this; nothing changed.")
        return self._apply(engine, digest, hook, confirmed)

    # --- confirming with Wonde ------------------------------------------------------------

    def _confirmed(self, hook: WondeWebhook, school: School) -> bool:
        from schoolsync.sources.wonde.access import listed_as, school_answers

        wonde_id, base = str(hook.school_id), school.api_base_url
        if hook.payload_type == "schoolApproved":
            token = str(hook.school_token)
            return school_answers(self.settings, token, base, wonde_id, self.transport) is not None
        stored = school.token(self.settings.secret_key)
        if not stored:
            return False
        if hook.payload_type == "accessRevoked":
            return school_answers(self.settings, stored, base, wonde_id, self.transport) is None
        if hook.payload_type == "accessDeclined":
            return listed_as(self.settings, stored, base, wonde_id, "declined", self.transport)
        data = school_answers(self.settings, stored, base, wonde_id, self.transport)
        return data is not None and (not hook.migrate_to or data.get("mis") == hook.migrate_to)

    # --- acting on it ----------------------------------------------------------------------

    def _apply(
        self, engine: sa.Engine, digest: str, hook: WondeWebhook, schools: list[School]
    ) -> Received:
        from schoolsync.store import connections

        moment = self.now()
        ended: list[School] = []
        sync: list[str] = []
        try:
            with engine.begin() as conn:
                for school in schools:
                    if hook.payload_type == "schoolApproved":
                        connections.set_state(
                            conn, school.id, "approved", moment,
                            token=hook.school_token, secret_key=self.settings.secret_key,
                        )  # fmt: skip
                        sync.append(school.key)
                    elif hook.payload_type == "schoolMigration":
                        connections.mark_mis_switch(conn, school.id, moment)
                        if school.state in ("approved", "audited"):
                            sync.append(school.key)
                    else:
                        state = "revoked" if hook.payload_type == "accessRevoked" else "declined"
                        connections.set_state(conn, school.id, state, moment, reason=hook.reason)
                        if school.state != state:
                            ended.append(school)
                outcome = _outcome(hook, len(schools))
                connections.record_webhook(
                    conn, digest, hook.payload_type, schools[0].id, outcome, moment
                )
        except sa.exc.IntegrityError:  # the same payload, received twice at once
            return Received(200, "Already received; nothing changed.")
        for school in schools:
            log.info("%s webhook for school %s: %s", hook.payload_type, school.key, outcome)
        for school in ended:
            self._tell(engine, school, "revoked" if hook.payload_type == "accessRevoked"
                       else "declined", hook.reason)  # fmt: skip
        return Received(200, outcome, tuple(sync))

    def _tell(self, engine: sa.Engine, school: School, state: str, reason: str | None) -> None:
        """Email the school's admins that syncing stopped, once per change of state."""
        from schoolsync.alerts import compose_access_ended
        from schoolsync.store.connections import record_email, school_admin_emails

        if self.mailer is None:
            return
        with engine.connect() as conn:
            admins = school_admin_emails(conn, school.id)
        recipients = sorted({*admins, *school.settings.alert_emails})
        if not recipients:
            return
        page = f"{self.base_url}/schools/{school.key}" if self.base_url else None
        alert = compose_access_ended(school.name, state, reason, page)
        try:
            self.mailer.send(recipients, alert.subject, alert.body)
        except Exception as exc:  # the state has changed either way; say the email failed
            log.error("could not email school %s that access ended: %s", school.key,
                      type(exc).__name__)  # fmt: skip
            return
        with engine.begin() as conn:
            record_email(conn, school.id, alert.kind, alert.fingerprint, recipients,
                         alert.subject, self.now())  # fmt: skip


def _seen(engine: sa.Engine, digest: str) -> bool:
    from schoolsync.store.connections import seen_webhook

    with engine.connect() as conn:
        return seen_webhook(conn, digest)


def _record(
    engine: sa.Engine,
    digest: str,
    hook: WondeWebhook,
    school_id: int | None,
    outcome: str,
    now: dt.datetime,
) -> None:
    from schoolsync.store.connections import record_webhook

    try:
        with engine.begin() as conn:
            record_webhook(conn, digest, hook.payload_type, school_id, outcome, now)
    except sa.exc.IntegrityError:
        pass  # received twice at once: once is recorded


def _outcome(hook: WondeWebhook, schools: int) -> str:
    where = "the school" if schools == 1 else f"{schools} schools"
    return {
        "schoolApproved": f"Approved: {where} connected; the first sync is queued.",
        "accessRevoked": f"Revoked: syncing of {where} stopped; the data is kept.",
        "accessDeclined": f"Declined: {where} will not be synced; the data is kept.",
        "schoolMigration": f"MIS switch: the next sync of {where} re-links everyone.",
    }[hook.payload_type]
