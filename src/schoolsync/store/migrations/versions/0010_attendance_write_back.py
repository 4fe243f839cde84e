"""attendance write-back: the school's attendance settings and codes, and the outbox of marks

Revision ID: 0010
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

_Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "attendance_setups",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("allows_writeback", sa.Boolean(), nullable=True),
        sa.Column("codes_read_at", _Timestamp, nullable=True),
        sa.Column("updated_at", _Timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_attendance_setups_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("school_id", name=op.f("pk_attendance_setups")),
    )
    op.create_table(
        "attendance_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("batch_key", sa.String(length=40), nullable=True),
        sa.Column("direction", sa.String(length=5), nullable=False),
        sa.Column("occurred_at", _Timestamp, nullable=False),
        sa.Column("mark_date", sa.Date(), nullable=False),
        sa.Column("session", sa.String(length=2), nullable=False),
        sa.Column("minutes_late", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("code_id", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", _Timestamp, nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("writeback_id", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", _Timestamp, nullable=False),
        sa.Column("sent_at", _Timestamp, nullable=True),
        sa.Column("confirmed_at", _Timestamp, nullable=True),
        sa.Column("failed_at", _Timestamp, nullable=True),
        sa.Column("alerted_at", _Timestamp, nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_attendance_marks_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_attendance_marks_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_marks")),
    )
    op.create_index("ix_attendance_marks_due", "attendance_marks", ["status", "next_attempt_at"])
    op.create_index("ix_attendance_marks_school", "attendance_marks", ["school_id", "id"])
    op.create_index("ix_attendance_marks_writeback", "attendance_marks", ["writeback_id"])


def downgrade() -> None:
    op.drop_index("ix_attendance_marks_writeback", table_name="attendance_marks")
    op.drop_index("ix_attendance_marks_school", table_name="attendance_marks")
    op.drop_index("ix_attendance_marks_due", table_name="attendance_marks")
    op.drop_table("attendance_marks")
    op.drop_table("attendance_setups")
