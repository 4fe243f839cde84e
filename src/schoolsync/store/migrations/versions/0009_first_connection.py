"""first connection: the product's own class ids, class choices, pupil resolutions, the state
of a school's first connection, and the hashes of initial passwords

Existing accounts, classes and class lists (from before the MIS link) live in `people`,
`classes` and `class_memberships` like synced ones, without source ids until a merge links
them; `classes.external_id` is the product's own id for a class it had before.

Revision ID: 0009
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

_Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("classes") as batch:
        batch.add_column(sa.Column("external_id", sa.String(64)))
    op.create_table(
        "first_connections",
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("imported_at", _Timestamp, nullable=False),
        sa.Column("merged_at", _Timestamp),
        sa.Column("disconnected_at", _Timestamp),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_first_connections_school_id_schools"
        ),
        sa.PrimaryKeyConstraint("school_id", name="pk_first_connections"),
    )
    op.create_table(
        "class_choices",
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("mis_class_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("existing_class_id", sa.Integer),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_class_choices_school_id_schools"
        ),
        sa.ForeignKeyConstraint(
            ["existing_class_id"], ["classes.id"], name="fk_class_choices_existing_class_id_classes"
        ),
        sa.PrimaryKeyConstraint("school_id", "mis_class_id", name="pk_class_choices"),
    )
    op.create_table(
        "pupil_resolutions",
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("mis_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_pupil_resolutions_school_id_schools"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_pupil_resolutions_person_id_people"
        ),
        sa.PrimaryKeyConstraint("school_id", "mis_id", name="pk_pupil_resolutions"),
    )
    op.create_table(
        "login_credentials",
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("issued_at", _Timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_login_credentials_person_id_people"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_login_credentials_school_id_schools"
        ),
        sa.PrimaryKeyConstraint("person_id", name="pk_login_credentials"),
    )
    op.create_index("ix_login_credentials_school_id", "login_credentials", ["school_id"])


def downgrade() -> None:
    op.drop_index("ix_login_credentials_school_id", "login_credentials")
    op.drop_table("login_credentials")
    op.drop_table("pupil_resolutions")
    op.drop_table("class_choices")
    op.drop_table("first_connections")
    with op.batch_alter_table("classes") as batch:
        batch.drop_column("external_id")
