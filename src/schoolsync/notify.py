"""Deciding whom to email about a finished run, and not doing it twice in a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

import sqlalchemy as sa

from schoolsync.alerts import compose_failed, compose_held, run_page
from schoolsync.pipeline import Notify, SyncResult
from schoolsync.store.holds import alert_sent_since, record_alert
from schoolsync.store.runs import run_trigger
from schoolsync.store.schools import School

#: The same held changes (or the same failure) are emailed at most once in this long.
QUIET_PERIOD = dt.timedelta(days=1)


class Mailer(Protocol):
    def send(self, recipients: list[str], subject: str, body: str) -> None: ...


def email_notifier(
    engine: sa.Engine,
    mailer: Mailer,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    base_url: str | None = None,
) -> Notify:
    """`base_url`: the web app's address; each email then links to the page that resolves it."""

    def notify(school: School, result: SyncResult) -> None:
        recipients = list(school.settings.alert_emails)
        if not recipients or result.status not in ("needs_approval", "failed"):
            return
        moment = now()
        with engine.begin() as conn:
            page = run_page(base_url, school.key, result.run_id) if base_url else None
            if result.status == "failed":
                alert = compose_failed(school.name, result.message or "unknown error", page)
            else:
                applied = sum(sum(kinds.values()) for kinds in result.counts.values())
                trigger = run_trigger(conn, result.run_id)
                held_page = f"{page}#held" if page else None
                alert = compose_held(
                    school.name, school.key, result.holds, applied, trigger, held_page
                )
            if alert_sent_since(conn, school.id, alert.fingerprint, moment - QUIET_PERIOD):
                return
            # Recorded in the same transaction as the send: a failed send is not counted.
            record_alert(
                conn,
                school.id,
                result.run_id,
                alert.kind,
                alert.fingerprint,
                recipients,
                alert.subject,
                moment,
            )
            mailer.send(recipients, alert.subject, alert.body)

    return notify
