"""Writing attendance back through Wonde: the school's codes, a session-attendance write-back,
and its status (specs/wonde-api.md §6).

`POST schools/{id}/attendance/session` carries several marks and answers a `writeback_id`;
the MIS takes them later, so the write-back is followed with `GET writebacks/{id}` until it is
completed (or failed). Each POST sends an `Idempotency-Key` header: the same write-back resent
after a crash carries the same key. (Wonde documents no such header; the sandbox honours it,
and a server that ignores it is still only sent a write-back again after a crash in the
moment between its acceptance and our record of it.)

The POST is retried on timeouts and 5xx too (`idempotent=True`), because the key makes a
repeat harmless; a 422 is `SourceRejected`, naming the refused fields.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from schoolsync.config import Settings
from schoolsync.errors import ConfigError, SourceDataError
from schoolsync.model.attendance import AttendanceCode
from schoolsync.sources.base import SchoolConnection
from schoolsync.sources.http import JsonHttp
from schoolsync.sources.wonde.client import (
    DEFAULT_BASE_URL,
    GRANT_HINT,
    WondeClient,
    base_url_for,
    make_http_client,
)

#: Statuses of a write-back that mean the MIS has finished with it.
DONE = ("completed", "complete", "success", "succeeded", "done")
FAILED = ("failed", "failure", "error", "rejected")


@dataclass(frozen=True, slots=True)
class WritebackState:
    status: str  # "pending", "completed" or "failed"
    error: str | None = None


@dataclass
class WondeWriter:
    client: WondeClient

    def school(self) -> dict[str, Any]:
        return self.client.school()

    def attendance_codes(self) -> list[AttendanceCode]:
        codes = []
        for page in self.client.pages("attendance-codes", {}):
            for record in page:
                code, code_id = record.get("code"), record.get("id")
                if not isinstance(code, str) or not isinstance(code_id, str):
                    raise SourceDataError(
                        f"An attendance code from Wonde has no code or id: {sorted(record)}"
                    )
                codes.append(
                    AttendanceCode(
                        id=code_id,
                        code=code,
                        description=str(record.get("description") or code),
                        type=str(record.get("type") or ""),
                    )
                )
        return codes

    def write_session(self, records: Sequence[dict[str, Any]], key: str) -> str:
        """Send marks as one write-back; its id."""
        body = self.client.http.post(
            self.client.url(f"schools/{self.client.school_id}/attendance/session"),
            {"attendance": list(records)},
            idempotent=True,
            headers={"Idempotency-Key": key},
        )
        writeback_id = body.get("writeback_id") if isinstance(body, dict) else None
        if writeback_id is None and isinstance(body, dict) and isinstance(body.get("data"), dict):
            writeback_id = body["data"].get("writeback_id") or body["data"].get("id")
        if not writeback_id:
            raise SourceDataError("Wonde accepted the write-back but gave no writeback_id")
        return str(writeback_id)

    def state(self, writeback_id: str) -> WritebackState:
        body = self.client.http.get(self.client.url(f"writebacks/{writeback_id}"))
        data = body.get("data", body) if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise SourceDataError(f"Wonde's answer about write-back {writeback_id} has no data")
        status = str(data.get("status") or "pending").lower()
        if status in DONE:
            return WritebackState("completed")
        if status in FAILED:
            detail = data.get("error") or data.get("message") or "no reason given"
            return WritebackState("failed", f"the MIS refused the write-back: {detail}")
        return WritebackState("pending")


@contextmanager
def wonde_writer(
    settings: Settings,
    school: SchoolConnection,
    transport: httpx.BaseTransport | None = None,
    *,
    max_attempts: int | None = None,
    max_wait_seconds: float | None = None,
    clock: Callable[[], float] = time.time,
) -> Iterator[WondeWriter]:
    """A writer for the school's Wonde connection; `max_attempts` per request and
    `max_wait_seconds` between them (the outbox retries later anyway, so a sender need not
    wait on one school: a longer `Retry-After` ends the request with `SourceBusy`); `clock`
    (seconds since the epoch) dates a `Retry-After`."""
    token = school.token(settings.secret_key)
    if not school.wonde_school_id or not token:
        raise ConfigError(
            f"School {school.key} has no Wonde connection, so nothing can be written back to its "
            "MIS"
        )
    with make_http_client(token, settings.wonde_timeout_seconds, transport) as http_client:
        http = JsonHttp(
            http_client,
            max_attempts=max_attempts or settings.wonde_max_attempts,
            max_backoff_seconds=min(
                settings.wonde_max_backoff_seconds,
                max_wait_seconds if max_wait_seconds is not None else float("inf"),
            ),
            grant_hint=GRANT_HINT,
            clock=clock,
        )
        base_url = school.api_base_url
        if not base_url:
            probe = WondeClient(http, DEFAULT_BASE_URL, school.wonde_school_id)
            base_url = base_url_for(probe.school())
        yield WondeWriter(WondeClient(http, base_url, school.wonde_school_id))
