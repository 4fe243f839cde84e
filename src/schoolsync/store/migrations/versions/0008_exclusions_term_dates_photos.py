"""exclusions with who and when, term dates, pupils' photos; teachers' own import toggle

Until now "import staff" switched off every employee; teachers have their own toggle now, so
a school that had staff switched off keeps its teachers switched off too.

Revision ID: 0008
Revises: 0009 (0008 was this issue's id, taken after 0009 landed)
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0009"
branch_labels = None
depends_on = None

_Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ALTER TABLEs, no batch mode: recreating a table on SQLite would drop it, which the
    # tables referring to it do not allow.
    op.add_column("people", sa.Column("excluded_by", sa.String(length=200), nullable=True))
    op.add_column("people", sa.Column("excluded_at", _Timestamp, nullable=True))
    op.add_column("schools", sa.Column("photos_fetched_at", _Timestamp, nullable=True))
    op.create_table(
        "term_dates",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_term_dates_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("school_id", "academic_year", "term", name=op.f("pk_term_dates")),
    )
    op.create_table(
        "pupil_photos",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", _Timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_pupil_photos_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_pupil_photos_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_pupil_photos")),
    )
    op.create_index(op.f("ix_pupil_photos_school_id"), "pupil_photos", ["school_id"], unique=False)
    _teachers_follow_staff()


def _teachers_follow_staff() -> None:
    conn = op.get_bind()
    schools = sa.table("schools", sa.column("id", sa.Integer), sa.column("settings", sa.JSON))
    for school_id, settings in conn.execute(sa.select(schools.c.id, schools.c.settings)).all():
        values = json.loads(settings) if isinstance(settings, str) else dict(settings or {})
        if values.get("import_staff") is False and "import_teachers" not in values:
            values["import_teachers"] = False
            conn.execute(
                sa.update(schools).where(schools.c.id == school_id).values(settings=values)
            )


def downgrade() -> None:
    op.drop_index(op.f("ix_pupil_photos_school_id"), table_name="pupil_photos")
    op.drop_table("pupil_photos")
    op.drop_table("term_dates")
    op.drop_column("schools", "photos_fetched_at")
    op.drop_column("people", "excluded_at")
    op.drop_column("people", "excluded_by")
