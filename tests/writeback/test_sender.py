"""The outbox and the sender against the sandbox over real HTTP, on SQLite and PostgreSQL:
marks reach the MIS once, through faults, an offline MIS, refusals and give-ups."""

from __future__ import annotations

import dataclasses
import time

import pytest

from schoolsync.alerts import SmtpMailer
from schoolsync.config import SmtpSettings
from schoolsync.sandbox import DEMO_SCHOOL_ID
from schoolsync.sandbox.attendance_codes import code_id
from schoolsync.school_settings import SchoolSettings
from schoolsync.store import schools as school_store

from .helpers import Scene, smtp_server


def test_a_late_arrival_reaches_the_mis_once_and_is_confirmed(scene: Scene) -> None:
    [pupil] = scene.pupils(1)
    signed = scene.sign_in(pupil, reason="L")
    assert (signed.draft.session, signed.draft.minutes_late, signed.draft.code.code) == (
        "AM", 25, "L",
    )  # fmt: skip
    assert scene.statuses() == {"queued": 1}
    first = scene.send()
    assert first.sent == 1
    assert scene.statuses() == {"sent": 1}
    scene.send_until(scene.all("confirmed"))
    [received] = scene.received()["data"]
    [mark] = scene.marks()
    assert received["student_id"] == mark["student_id"]
    assert received["attendance_code_id"] == code_id("L")
    assert (received["date"], received["session"], received["minutes_late"]) == (
        "2026-11-25", "AM", 25,
    )  # fmt: skip
    assert received["comment"] == "Late arrival 09:05: Late (before registers closed) (L)"
    assert mark["writeback_id"] == received["writeback_id"]


def test_marks_wait_while_the_mis_is_offline_and_go_when_it_returns(scene: Scene) -> None:
    pupils = scene.pupils(3)
    scene.sandbox.set_offline(DEMO_SCHOOL_ID)
    for pupil in pupils:
        scene.sign_in(pupil)
    # With the default waits, too: the MIS's "retry in a minute" is the outbox's to keep, not
    # a wait inside the pass that would hold up every other school's marks.
    patient = dataclasses.replace(scene.settings, wonde_max_backoff_seconds=60.0)
    report = scene.send(patient)
    assert report.retrying == 3 and report.sent == 0
    assert scene.statuses() == {"queued": 3}
    assert all("offline" in (m["last_error"] or "") for m in scene.marks())
    assert all("asked us to wait 1 min" in m["last_error"] for m in scene.marks())
    scene.clock.advance(minutes=10)
    scene.send()
    assert scene.statuses() == {"queued": 3}
    scene.sandbox.set_offline(DEMO_SCHOOL_ID, False)
    scene.send_until(scene.all("confirmed"), step=lambda: scene.clock.advance(seconds=30))
    assert len(scene.received()["data"]) == 3


def test_rate_limits_server_errors_and_timeouts_are_retried_without_duplicates(
    scene: Scene,
) -> None:
    faults = scene.sandbox.faults
    faults.rate_limit(count=3, retry_after=1, path="attendance/session")
    faults.server_error(503, count=3, path="attendance/session")
    faults.slow_answer(ms=3000, count=1, path="attendance/session")  # a timeout after the write
    faults.server_error(502, count=2, path="writebacks")
    settings = dataclasses.replace(scene.settings, wonde_timeout_seconds=1.0)
    for pupil in scene.pupils(4):
        scene.sign_in(pupil)
    scene.send_until(
        scene.all("confirmed"),
        step=lambda: scene.clock.advance(seconds=30),
        settings=settings,
    )
    assert len(scene.received()["data"]) == 4
    assert faults.pending() == []


def test_a_mark_the_mis_refuses_fails_with_its_reason_and_the_rest_go(scene: Scene) -> None:
    keep, gone = scene.pupils(2)
    scene.sign_in(keep)
    scene.sign_in(gone)
    # The pupil leaves in the MIS before the mark is sent: Wonde refuses the id (422).
    school = scene.sandbox.schools[DEMO_SCHOOL_ID]
    refused_id = next(m["student_id"] for m in scene.marks() if m["id"] == 2)
    with school.lock:
        del school.students[refused_id]
    scene.send_until(lambda: scene.statuses() == {"confirmed": 1, "failed": 1})
    failed = next(m for m in scene.marks() if m["status"] == "failed")
    assert failed["student_id"] == refused_id
    assert "student id is invalid" in failed["last_error"]
    assert [r["student_id"] for r in scene.received()["data"]] != [refused_id]
    assert len(scene.received()["data"]) == 1


def test_a_write_back_the_mis_fails_is_failed(scene: Scene) -> None:
    scene.sandbox.writebacks.fail_next = 1
    scene.sign_in(scene.pupils(1)[0])
    scene.send_until(scene.all("failed"))
    assert "the MIS refused the write-back" in scene.marks()[0]["last_error"]


def test_marks_not_confirmed_in_time_fail_and_the_school_is_emailed_once(scene: Scene) -> None:
    with scene.engine.begin() as conn:
        school = school_store.get_school(conn, scene.key)
        school_store.update_settings(
            conn, school.id, SchoolSettings(alert_emails=("office@school.example",))
        )
    scene.sandbox.set_offline(DEMO_SCHOOL_ID)
    for pupil in scene.pupils(2):
        scene.sign_in(pupil)
    with smtp_server() as (inbox, port):
        mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port, sender="sync@vendor.test"))
        scene.send(mailer=mailer)
        assert inbox.messages == []
        scene.clock.advance(minutes=61)
        report = scene.send(mailer=mailer)
        assert report.failed == 2 and report.emailed == 1
        scene.clock.advance(minutes=5)
        assert scene.send(mailer=mailer).emailed == 0
    assert scene.statuses() == {"failed": 2}
    [message] = inbox.messages
    assert message["To"] == "office@school.example"
    assert "2 attendance marks did not reach the MIS" in message["Subject"]
    body = message.get_payload()
    assert "not confirmed by the MIS within 1 h" in body
    assert "offline" in body
    # Pupils are named on the log page, not in an email.
    assert all(m["student_id"] not in body for m in scene.marks())
    scene.sandbox.set_offline(DEMO_SCHOOL_ID, False)
    scene.send()
    assert scene.received()["data"] == []


@pytest.mark.parametrize("path", ["attendance/session", "writebacks"])
def test_a_long_retry_after_is_obeyed(scene: Scene, path: str) -> None:
    scene.sandbox.faults.rate_limit(count=1, retry_after=600, path=path)
    scene.sign_in(scene.pupils(1)[0])
    scene.send()
    if path == "writebacks":
        scene.send()
        scene.clock.advance(seconds=3)
        scene.send()
    scene.clock.advance(minutes=5)
    assert scene.statuses() != {"confirmed": 1} or path == "writebacks"
    scene.send_until(scene.all("confirmed"), step=lambda: scene.clock.advance(minutes=5))
    assert len(scene.received()["data"]) == 1


def test_the_sender_thread_of_serve_confirms_marks_by_itself(scene: Scene) -> None:
    from schoolsync.jobs.writeback_sender import WritebackSender

    for pupil in scene.pupils(2):
        scene.sign_in(pupil)
    sender = WritebackSender(scene.engine, scene.settings, every_seconds=0.1, clock=scene.clock)
    sender.start()
    try:
        deadline = time.monotonic() + 30
        while scene.statuses() != {"confirmed": 2}:
            assert time.monotonic() < deadline, scene.statuses()
            time.sleep(0.1)
    finally:
        sender.stop()
    assert len(scene.received()["data"]) == 2


def test_a_claim_loses_to_a_sender_that_took_the_mark_after_it_was_read(scene: Scene) -> None:
    """The race two senders on SQLite can run into, played step by step: the second reads the
    mark, the first claims it, the second's claim must then fail."""
    import datetime as dt

    import sqlalchemy as sa

    from schoolsync.store import marks as mark_store
    from schoolsync.store.attendance_tables import attendance_marks

    scene.sign_in(scene.pupils(1)[0])
    with scene.engine.connect() as conn:
        stale = conn.execute(sa.select(attendance_marks)).mappings().one()
    lease = dt.timedelta(minutes=1)
    with scene.engine.begin() as conn:
        [first] = mark_store.claim_due(
            conn, scene.clock(), owner="host:1", lease=lease, batch_size=10
        )
    with scene.engine.begin() as conn:
        assert not mark_store._take(conn, stale, "host:2", scene.clock() + lease, "other-key")
        assert (
            mark_store.claim_due(
                conn,
                scene.clock(),
                owner="host:2",
                lease=lease,
                batch_size=10,
                alive=lambda _: True,
            )
            == []
        )
    [mark] = scene.marks()
    assert (mark["claimed_by"], mark["batch_key"]) == ("host:1", first.batch_key)
