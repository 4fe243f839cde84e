"""sync jobs: the queue of scheduled and requested syncs (one per school and slot)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sync_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("slot", sa.String(length=60), nullable=False),
        sa.Column("full", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("due_at", _Timestamp, nullable=False),
        sa.Column("created_at", _Timestamp, nullable=False),
        sa.Column("started_at", _Timestamp, nullable=True),
        sa.Column("finished_at", _Timestamp, nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_sync_jobs_school_id_schools")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["sync_runs.id"], name=op.f("fk_sync_jobs_run_id_sync_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_jobs")),
        sa.UniqueConstraint("school_id", "slot", name="uq_sync_jobs_school_slot"),
    )
    op.create_index("ix_sync_jobs_state_due", "sync_jobs", ["state", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_sync_jobs_state_due", table_name="sync_jobs")
    op.drop_table("sync_jobs")
