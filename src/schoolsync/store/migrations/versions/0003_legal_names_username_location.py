"""legal middle names beside the known-as ones; a class's location

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 20:30:00.000000

Legal forenames and surnames were already stored; OneRoster also separates the legal middle
names (`middleName`) from the known-as ones (`preferredMiddleName`). A class's `location`
(OneRoster's column of that name) is kept so that an export gives it back. Usernames need no
new column: a source that sends one (OneRoster) now fills the existing `username`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_middle_names", sa.String(length=200), nullable=True))
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_column("location")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("legal_middle_names")
