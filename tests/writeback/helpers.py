"""A school synced from the sandbox over real HTTP, ready to sign pupils in and send marks."""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from schoolsync.config import Settings
from schoolsync.pipeline import sync_school
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox
from schoolsync.services import attendance
from schoolsync.services.writeback_sender import SendReport, send_due
from schoolsync.sources.wonde.reader import wonde_reader
from schoolsync.store import schools as school_store
from schoolsync.store.attendance_tables import attendance_marks
from schoolsync.store.tables import people

TOKEN = "writeback-token"
#: A Wednesday morning in term (London is on UTC in November): 25 minutes after registers
#: opened at 08:40, before they close at 09:10.
MORNING = dt.datetime(2026, 11, 25, 9, 5, tzinfo=dt.UTC)


class RunningClock:
    """Real time, started at `start`; a test jumps it forward to pass waits and limits."""

    def __init__(self, start: dt.datetime = MORNING) -> None:
        self.start = start
        self.began = time.monotonic()
        self.skipped = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self.began) + self.skipped

    def advance(self, **delta: float) -> None:
        self.skipped += dt.timedelta(**delta)


@dataclass
class Scene:
    engine: sa.Engine
    settings: Settings
    sandbox: Sandbox
    base_url: str
    key: str
    clock: RunningClock

    @property
    def control(self) -> str:
        return self.base_url.replace("/v1.0/", "/sandbox/")

    def pupils(self, count: int) -> list[str]:
        """MIS ids of `count` pupils on roll."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(people.c.mis_id)
                .where(people.c.role == "student", people.c.status == "active")
                .order_by(people.c.id)
                .limit(count)
            ).scalars()
            return [str(r) for r in rows]

    def sign_in(self, pupil: str, reason: str = "L", **options: Any) -> attendance.SignedIn:
        options.setdefault("direction", "late")
        return attendance.sign_in(
            self.engine, self.settings, self.key, pupil=pupil, reason=reason, now=self.clock(),
            by="reception@test", **options,
        )  # fmt: skip

    def send(self, settings: Settings | None = None, **options: Any) -> SendReport:
        return send_due(self.engine, settings or self.settings, now=self.clock, **options)

    def send_until(
        self, done: Callable[[], bool], *, step: Callable[[], None] | None = None, **options: Any
    ) -> list[SendReport]:
        """Passes of the sender until `done`, as the runner makes them (a guard of 60 s)."""
        reports = []
        deadline = time.monotonic() + 60
        while not done():
            assert time.monotonic() < deadline, f"not done after 60 s: {self.marks()}"
            reports.append(self.send(**options))
            if step:
                step()
            time.sleep(0.05)
        return reports

    def statuses(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(attendance_marks.c.status, sa.func.count()).group_by(
                    attendance_marks.c.status
                )
            ).all()
        return {status: int(count) for status, count in rows}

    def all(self, status: str) -> Callable[[], bool]:
        return lambda: set(self.statuses()) == {status}

    def received(self) -> dict[str, Any]:
        answer = httpx.get(
            f"{self.control}schools/{DEMO_SCHOOL_ID}/writebacks",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        return body

    def marks(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(attendance_marks).order_by(attendance_marks.c.id))
            return [dict(r) for r in rows.mappings()]


def make_scene(engine: sa.Engine, settings: Settings, sandbox: Sandbox, base_url: str) -> Scene:
    clock = RunningClock()
    with engine.begin() as conn:
        key = school_store.add_school(
            conn, name="Moseley Park Academy", now=clock(), secret_key=settings.secret_key,
            wonde_school_id=DEMO_SCHOOL_ID, api_base_url=base_url, token=TOKEN,
        ).key  # fmt: skip
    result = sync_school(engine, key, wonde_reader(settings), now=clock)
    assert result.status != "failed", result.message
    attendance.refresh_codes(engine, settings, key, clock())
    return Scene(engine, settings, sandbox, base_url, key, clock)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its own server on start
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
