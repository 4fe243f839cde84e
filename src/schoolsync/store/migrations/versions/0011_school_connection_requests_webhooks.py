"""connecting a school: the contact Wonde asks, the access state's history, webhooks received

A school's request for the MIS sync names the member of staff Wonde contacts; the state
(pending, approved, audited, declined, revoked, offline; `not_connected` for a school fed by
files) records when and why it last changed; a pending MIS switch is remembered until the sync
that re-links everyone; and each webhook received is kept by its digest, so a repeat does
nothing.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD/DROP COLUMN: a batch copy of `schools` would break the tables that refer to it.
    for column in (
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("access_requested_at", _Timestamp, nullable=True),
        sa.Column("connection_changed_at", _Timestamp, nullable=True),
        sa.Column("connection_reason", sa.Text(), nullable=True),
        sa.Column("mis_switch_at", _Timestamp, nullable=True),
    ):
        op.add_column("schools", column)
    op.execute(
        sa.text("UPDATE schools SET connection_state = 'not_connected' WHERE source_kind = 'files'")
    )
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("payload_type", sa.String(length=40), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=200), nullable=False),
        sa.Column("received_at", _Timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_webhook_events_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint("digest", name=op.f("uq_webhook_events_digest")),
    )


def downgrade() -> None:
    op.drop_table("webhook_events")
    op.execute(
        sa.text("UPDATE schools SET connection_state = 'offline' WHERE source_kind = 'files'")
    )
    for column in (
        "mis_switch_at",
        "connection_reason",
        "connection_changed_at",
        "access_requested_at",
        "contact_phone",
        "contact_email",
        "contact_name",
    ):
        op.drop_column("schools", column)
