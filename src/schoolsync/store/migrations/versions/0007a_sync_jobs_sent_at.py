"""sync jobs: when each was last sent to the workers (the broker only carries the queue)

A job queued again after it was sent (its worker died, or its school was busy) is sent again
when it is due: `sent_at` earlier than `due_at`.

Revision ID: 0007a
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007a"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_jobs") as batch:
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_jobs") as batch:
        batch.drop_column("sent_at")
