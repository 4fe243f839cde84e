"""open issues, run statuses that need room, the lock's lease (approved_by was already kept)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLEs, no batch mode: recreating a table on SQLite would drop it, which its
    # existing rows' foreign keys forbid.
    if op.get_bind().dialect.name != "sqlite":  # SQLite does not enforce a VARCHAR's length
        # "success_with_warnings" is 21 characters.
        op.alter_column(
            "sync_runs",
            "status",
            existing_type=sa.String(length=20),
            type_=sa.String(length=30),
            existing_nullable=False,
        )
    op.add_column("sync_runs", sa.Column("open_issues", sa.Integer(), nullable=True))
    op.add_column("schools", sa.Column("lock_renewed_at", sa.DateTime(timezone=True)))
    op.add_column("schools", sa.Column("lock_owner", sa.String(length=200)))
    op.create_table(
        "open_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        sa.Column("entity_name", sa.String(length=300), nullable=False),
        sa.Column("mis_id", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("opened_run_id", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=False),
        sa.Column("resolved_run_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_open_issues_school_id_schools")
        ),
        sa.ForeignKeyConstraint(
            ["opened_run_id"], ["sync_runs.id"], name=op.f("fk_open_issues_opened_run_id_sync_runs")
        ),
        sa.ForeignKeyConstraint(
            ["last_run_id"], ["sync_runs.id"], name=op.f("fk_open_issues_last_run_id_sync_runs")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_run_id"],
            ["sync_runs.id"],
            name=op.f("fk_open_issues_resolved_run_id_sync_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_issues")),
    )
    op.create_index(
        "ix_open_issues_school_resolved", "open_issues", ["school_id", "resolved_run_id"]
    )
    _open_the_latest_runs_issues()


def _open_the_latest_runs_issues() -> None:
    """Until now a school saw its latest run's issues: those are its open issues."""
    op.execute(
        """
        INSERT INTO open_issues (school_id, source_id, entity_type, entity_name, mis_id, message,
                                 severity, opened_run_id, last_run_id, opened_at)
        SELECT i.school_id, i.source_id, i.entity_type, i.entity_name, i.mis_id, i.message,
               i.severity, i.run_id, i.run_id, r.started_at
        FROM issues i JOIN sync_runs r ON r.id = i.run_id
        WHERE i.run_id = (SELECT max(l.id) FROM sync_runs l WHERE l.school_id = i.school_id)
        ORDER BY i.id
        """
    )


def downgrade() -> None:
    op.drop_index("ix_open_issues_school_resolved", table_name="open_issues")
    op.drop_table("open_issues")
    op.drop_column("schools", "lock_owner")
    op.drop_column("schools", "lock_renewed_at")
    op.drop_column("sync_runs", "open_issues")
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "sync_runs",
            "status",
            existing_type=sa.String(length=30),
            type_=sa.String(length=20),
            existing_nullable=False,
        )
