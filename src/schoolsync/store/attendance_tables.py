"""The attendance write-back tables, on the same `metadata` as the rest (`tables.py`, which
imports this module so that every user of the schema sees them)."""

from __future__ import annotations

import sqlalchemy as sa

from schoolsync.store.tables import metadata

_Timestamp = sa.DateTime(timezone=True)

#: A school's attendance settings (session times, its own reasons, codes switched off) and the
#: codes its MIS offers, as last read through Wonde.
attendance_setups = sa.Table(
    "attendance_setups",
    metadata,
    sa.Column("school_id", sa.ForeignKey("schools.id"), primary_key=True),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("codes", sa.JSON, nullable=False),
    #: the MIS's `allows_writeback` when the codes were read; NULL until then
    sa.Column("allows_writeback", sa.Boolean),
    sa.Column("codes_read_at", _Timestamp),
    sa.Column("updated_at", _Timestamp, nullable=False),
)

#: The outbox: every late arrival and early leaving, stored before anything is sent, then
#: followed until the MIS confirms it (or it fails, with the reason).
attendance_marks = sa.Table(
    "attendance_marks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False),
    sa.Column("person_id", sa.ForeignKey("people.id"), nullable=False),
    #: the pupil's Wonde id when the mark was made
    sa.Column("student_id", sa.String(64), nullable=False),
    #: the idempotency key of the write-back (one POST) that carries the mark; kept until the
    #: MIS answers, so a resend after a crash is the very same request
    sa.Column("batch_key", sa.String(40)),
    sa.Column("direction", sa.String(5), nullable=False),
    sa.Column("occurred_at", _Timestamp, nullable=False),
    sa.Column("mark_date", sa.Date, nullable=False),
    sa.Column("session", sa.String(2), nullable=False),
    sa.Column("minutes_late", sa.Integer),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("code", sa.String(4), nullable=False),
    sa.Column("code_id", sa.String(64), nullable=False),
    sa.Column("comment", sa.String(255), nullable=False),
    #: queued, sent, confirmed or failed
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    #: when the sender next looks at it: to send (queued) or to ask the MIS (sent)
    sa.Column("next_attempt_at", _Timestamp, nullable=False),
    #: host:pid of the sender that took it last; a dead one's marks are taken over at once
    sa.Column("claimed_by", sa.String(200)),
    sa.Column("writeback_id", sa.String(64)),
    sa.Column("last_error", sa.Text),
    sa.Column("created_by", sa.String(254), nullable=False),
    sa.Column("created_at", _Timestamp, nullable=False),
    sa.Column("sent_at", _Timestamp),
    sa.Column("confirmed_at", _Timestamp),
    sa.Column("failed_at", _Timestamp),
    #: when the school was emailed about its failure (once)
    sa.Column("alerted_at", _Timestamp),
    sa.Index("ix_attendance_marks_due", "status", "next_attempt_at"),
    sa.Index("ix_attendance_marks_school", "school_id", "id"),
    sa.Index("ix_attendance_marks_writeback", "writeback_id"),
)
