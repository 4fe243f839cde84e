"""open issues, run statuses that need room, the lock's lease

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-06 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        # "success_with_warnings" is 21 characters.
        batch_op.alter_column(
            "status", existing_type=sa.String(length=20), type_=sa.String(length=30)
        )
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lock_renewed_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("lock_owner", sa.String(length=200)))


def downgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("lock_owner")
        batch_op.drop_column("lock_renewed_at")
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.String(length=30), type_=sa.String(length=20)
        )
