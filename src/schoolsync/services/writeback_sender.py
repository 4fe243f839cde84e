"""The sender: takes due marks from the outbox to the MIS and follows them until confirmed.

`send_due(...)` does one pass and returns; whoever runs it (the embedded runner inside
`schoolsync serve`, a worker, `schoolsync writebacks KEY --send`, cron) calls it again a few
seconds later. One pass:

1. marks not confirmed within the configured time become `failed`, with the last problem;
2. due queued marks are claimed and sent, a school's marks together as one write-back with one
   idempotency key (stored before the POST, so a resend after a crash is the same request);
3. sent write-backs whose check is due are asked about, and confirmed (or failed) marks
   recorded;
4. the school's alert contacts get one email about marks that failed since the last one.

Problems on the way are the outbox's business, not the caller's: 429, 5xx, timeouts and an
offline MIS put the marks back with a growing wait (`engine/outbox.py`), honouring
`Retry-After`; a 422 fails the marks it names (the others go again in a new write-back).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import sqlalchemy as sa

from schoolsync.alerts import compose_writeback_failed
from schoolsync.config import Settings
from schoolsync.engine.outbox import BATCH_SIZE, CHECK_EVERY, refused_records, retry_wait
from schoolsync.errors import SchoolsyncError, SourceBusy, SourceError, SourceRejected
from schoolsync.model.attendance import DIRECTION_LABELS
from schoolsync.notify import Mailer
from schoolsync.sources.wonde.writer import WondeWriter, wonde_writer
from schoolsync.store import mark_log
from schoolsync.store import marks as mark_store
from schoolsync.store import schools as school_store
from schoolsync.store.lock import this_process
from schoolsync.store.mark_log import MarkRow
from schoolsync.store.marks import Claimed, SentWriteback
from schoolsync.store.schools import School

log = logging.getLogger(__name__)

#: Tries per request within one pass, and the longest wait between them: the outbox retries
#: later anyway, so one busy or offline school never holds up the others' marks.
ATTEMPTS_PER_PASS = 2
MAX_WAIT_IN_PASS = 2.0


@dataclass
class SendReport:
    sent: int = 0
    confirmed: int = 0
    retrying: int = 0
    failed: int = 0
    emailed: int = 0
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "sent": self.sent, "confirmed": self.confirmed, "retrying": self.retrying,
            "failed": self.failed, "emailed": self.emailed, "problems": self.problems,
        }  # fmt: skip


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def send_due(
    engine: sa.Engine,
    settings: Settings,
    *,
    now: Callable[[], dt.datetime] = _utcnow,
    transport: httpx.BaseTransport | None = None,
    mailer: Mailer | None = None,
    school_key: str | None = None,
) -> SendReport:
    """One pass over the outbox (every school, or the one `school_key` names)."""
    report = SendReport()
    moment = now()
    fail_after = dt.timedelta(minutes=settings.writeback_fail_after_minutes)
    # A claim outlives every request the pass may make for it.
    lease = dt.timedelta(
        seconds=settings.wonde_timeout_seconds * ATTEMPTS_PER_PASS * 2 + MAX_WAIT_IN_PASS + 30
    )
    with engine.begin() as conn:
        only = school_store.get_school(conn, school_key).id if school_key else None
        report.failed += mark_store.expire(conn, moment, fail_after)
        claimed = mark_store.claim_due(
            conn, moment, owner=this_process(), lease=lease, batch_size=BATCH_SIZE,
            school_id=only,
        )  # fmt: skip
    with engine.connect() as conn:
        checks = [c for c in mark_store.due_checks(conn, moment) if only in (None, c.school_id)]
    school_ids = sorted({c.school_id for c in claimed} | {c.school_id for c in checks})
    for school_id in school_ids:
        with engine.connect() as conn:
            school = school_store.school_by_id(conn, school_id)
        batches = [c for c in claimed if c.school_id == school_id]
        sent = [c for c in checks if c.school_id == school_id]
        try:
            with _writer(settings, school, transport, now) as writer:
                for batch in batches:
                    _send(engine, writer, batch, now, report)
                for check in sent:
                    _check(engine, writer, check, now, report)
        except SchoolsyncError as exc:
            # No connection to write with (removed, or its token unreadable): try again later.
            problem = str(exc)
            report.problems.append(problem)
            with engine.begin() as conn:
                for batch in batches:
                    later = now() + retry_wait(batch.attempts)
                    mark_store.record_retry(conn, batch.ids, problem, later)
                    report.retrying += len(batch.ids)
    report.emailed = _email_failures(engine, settings, mailer, now())
    return report


@contextmanager
def _writer(
    settings: Settings,
    school: School,
    transport: httpx.BaseTransport | None,
    now: Callable[[], dt.datetime],
) -> Iterator[WondeWriter]:
    with wonde_writer(
        settings, school, transport, max_attempts=ATTEMPTS_PER_PASS,
        max_wait_seconds=MAX_WAIT_IN_PASS, clock=lambda: now().timestamp(),
    ) as writer:  # fmt: skip
        yield writer


def _send(
    engine: sa.Engine,
    writer: WondeWriter,
    batch: Claimed,
    now: Callable[[], dt.datetime],
    report: SendReport,
) -> None:
    try:
        writeback_id = writer.write_session(batch.records, batch.batch_key)
    except SourceRejected as exc:
        refused = refused_records(exc.errors, len(batch.ids))
        with engine.begin() as conn:
            for index, problem in refused.items():
                mark_store.record_failed(
                    conn, [batch.ids[index]], f"the MIS refused the mark: {problem}", now()
                )
            others = [i for n, i in enumerate(batch.ids) if n not in refused]
            mark_store.release_batch(conn, others, now())
        report.failed += len(refused)
        report.retrying += len(batch.ids) - len(refused)
        return
    except SourceError as exc:
        asked = exc.retry_at - now() if isinstance(exc, SourceBusy) else None
        with engine.begin() as conn:
            later = now() + retry_wait(batch.attempts, asked)
            mark_store.record_retry(conn, batch.ids, str(exc), later)
        report.retrying += len(batch.ids)
        report.problems.append(str(exc))
        log.info("write-back of %d marks to retry: %s", len(batch.ids), exc)
        return
    moment = now()
    with engine.begin() as conn:
        mark_store.record_sent(conn, batch.ids, writeback_id, moment, moment + CHECK_EVERY)
    report.sent += len(batch.ids)


def _check(
    engine: sa.Engine,
    writer: WondeWriter,
    sent: SentWriteback,
    now: Callable[[], dt.datetime],
    report: SendReport,
) -> None:
    try:
        state = writer.state(sent.writeback_id)
    except SourceError as exc:
        with engine.begin() as conn:
            mark_store.check_later(conn, sent.ids, now() + CHECK_EVERY, str(exc))
        report.problems.append(str(exc))
        return
    with engine.begin() as conn:
        if state.status == "completed":
            mark_store.record_confirmed(conn, sent.ids, now())
            report.confirmed += len(sent.ids)
        elif state.status == "failed":
            mark_store.record_failed(conn, sent.ids, state.error or "the MIS refused it", now())
            report.failed += len(sent.ids)
        else:
            mark_store.check_later(conn, sent.ids, now() + CHECK_EVERY)


def _email_failures(
    engine: sa.Engine, settings: Settings, mailer: Mailer | None, moment: dt.datetime
) -> int:
    """One email per school about the marks that failed since the last; each mark once."""
    if mailer is None:
        return 0
    emailed = 0
    with engine.connect() as conn:
        waiting = mark_log.unalerted_failures(conn)
    for school_id, rows in waiting.items():
        with engine.begin() as conn:
            school = school_store.school_by_id(conn, school_id)
            recipients = list(school.settings.alert_emails)
            if not recipients:
                continue
            page = (
                f"{settings.base_url}/schools/{school.key}/writebacks"
                if settings.base_url
                else None
            )
            alert = compose_writeback_failed(school.name, [_failure(r) for r in rows], page)
            # Recorded in the same transaction as the send: a failed send is not counted.
            mark_log.record_alerted(conn, [r.id for r in rows], moment)
            mailer.send(recipients, alert.subject, alert.body)
            emailed += 1
    return emailed


def _failure(row: MarkRow) -> tuple[str, str]:
    what = (
        f"{DIRECTION_LABELS.get(row.direction, row.direction)} on {row.mark_date:%a %-d %b} "
        f"({row.session}), reason {row.reason}"
    )
    return what, row.last_error or "no reason recorded"


def mailer_for(settings: Settings) -> Mailer | None:
    """The SMTP mailer the settings name, or None (no emails)."""
    from schoolsync.alerts import SmtpMailer

    return SmtpMailer(settings.smtp) if settings.smtp else None
