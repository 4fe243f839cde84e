"""Tables of a school's context that no sync plan touches: its term dates, and its pupils'
photos (kept out of `people`, so the main tables stay small and fast to read). Defined on
`tables.metadata`, which `tables` imports this module to complete."""

from __future__ import annotations

import sqlalchemy as sa

from schoolsync.store.tables import metadata

_Timestamp = sa.DateTime(timezone=True)

#: A school's term dates: six terms an academic year (`academic_year` is the year it starts).
term_dates = sa.Table(
    "term_dates",
    metadata,
    sa.Column("school_id", sa.ForeignKey("schools.id"), primary_key=True),
    sa.Column("academic_year", sa.Integer, primary_key=True),
    sa.Column("term", sa.String(10), primary_key=True),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
)

#: Pupils' thumbnail photos, out of `people`: the main tables stay small and fast to read.
pupil_photos = sa.Table(
    "pupil_photos",
    metadata,
    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True),
    sa.Column("school_id", sa.ForeignKey("schools.id"), nullable=False, index=True),
    #: sha256 of the image: an unchanged photo is not written again
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("content_type", sa.String(40), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("updated_at", _Timestamp, nullable=False),
)
