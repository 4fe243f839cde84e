"""A school being connected, over real HTTP: the sandbox playing Wonde (and the school in its
Wonde portal), the web app receiving Wonde's webhooks, and an SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa

from schoolsync.alerts import SmtpMailer
from schoolsync.config import Settings, SmtpSettings
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, running_sandbox
from schoolsync.services.connections import check_contact, request_connection
from schoolsync.services.schools import add_school
from schoolsync.services.sources import mis_readers
from schoolsync.services.webhooks import WebhookReceiver
from schoolsync.serving import serving_in_thread
from schoolsync.store import accounts
from schoolsync.store import schools as school_store
from schoolsync.store.tables import people, sync_runs
from schoolsync.web.app import create_web_app

APP_TOKEN = "app-key-0123456789"
ADMIN = "head@larkfield.sch.uk"
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@dataclass
class Scene:
    engine: sa.Engine
    settings: Settings
    sandbox: Sandbox
    wonde_url: str
    site: str
    app: Any
    key: str

    @property
    def control(self) -> str:
        return self.wonde_url.replace("/v1.0/", "/sandbox/")

    def request(self) -> None:
        request_connection(
            self.engine, self.settings, self.key, wonde_school_id=DEMO_SCHOOL_ID,
            contact=check_contact("Jo Bloggs", "jo@larkfield.sch.uk", None), now=NOW,
            wonde_url=self.wonde_url, wonde_token=APP_TOKEN,
        )  # fmt: skip

    def school_says(self, decision: str, **extra: Any) -> dict[str, Any]:
        """The school answers in its Wonde portal; the sandbox sends the webhook."""
        response = httpx.post(
            f"{self.control}schools/{DEMO_SCHOOL_ID}/access",
            json={"decision": decision, **extra},
            headers={"Authorization": f"Bearer {APP_TOKEN}"},
            timeout=120,
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def post_webhook(self, payload: dict[str, Any], form: bool = False) -> httpx.Response:
        url = f"{self.site}/webhooks/wonde"
        if form:
            return httpx.post(url, data=payload, timeout=60)
        return httpx.post(url, json=payload, timeout=60)

    def state(self) -> str:
        with self.engine.connect() as conn:
            return school_store.get_school(conn, self.key).state

    def school(self) -> school_store.School:
        with self.engine.connect() as conn:
            return school_store.get_school(conn, self.key)

    def runs(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(sync_runs.c.status).order_by(sync_runs.c.id))
                        .scalars())  # fmt: skip

    def active_people(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(people)
                                    .where(people.c.status == "active")).scalar_one())  # fmt: skip

    def wait_for_sync(self) -> Any:
        """The background sync's progress once it has finished (waiting is not asserted on:
        the deadline only stops a hung test)."""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            progress = self.app.state.sync_jobs.progress(self.key)
            if progress is not None and progress.finished:
                return progress
            time.sleep(0.05)
        raise AssertionError("the first sync never finished")


@contextmanager
def connecting(
    engine: sa.Engine, settings: Settings, smtp_port: int | None, pupils: int = 80
) -> Iterator[Scene]:
    sandbox = Sandbox.demo(seed=5, pupils=pupils, token=APP_TOKEN, approved=False)
    mailer = (
        SmtpMailer(SmtpSettings(host="127.0.0.1", port=smtp_port, sender="sync@vendor.example"))
        if smtp_port
        else None
    )
    with running_sandbox(sandbox) as wonde_url:
        receiver = WebhookReceiver(settings, mailer=mailer, base_url="https://sync.example")
        app = create_web_app(engine, mis_readers(settings), webhooks=receiver)
        with serving_in_thread(app, name="web app") as port:
            site = f"http://127.0.0.1:{port}"
            sandbox.webhook_url = f"{site}/webhooks/wonde"
            school = add_school(engine, settings, name="Larkfield Academy", now=NOW)
            with engine.begin() as conn:
                accounts.add_user(conn, email=ADMIN, role="school-admin",
                                  password="a long enough password", now=NOW,
                                  school_key=school.key)  # fmt: skip
            yield Scene(engine, settings, sandbox, wonde_url, site, app, school.key)
