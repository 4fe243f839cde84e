"""one spelling for the staff CSV source: runs recorded as staff-csv become staff_csv

Imports of a staff list were recorded with the CLI's old spelling (`staff-csv`) while the
snapshot, the labels and the exports said `staff_csv`; history, filters and labels now meet
one value.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE sync_runs SET source = 'staff_csv' WHERE source = 'staff-csv'"))


def downgrade() -> None:
    op.execute(sa.text("UPDATE sync_runs SET source = 'staff-csv' WHERE source = 'staff_csv'"))
