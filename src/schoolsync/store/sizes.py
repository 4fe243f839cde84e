"""The longest string each column holds, read from the table definitions: the one place the
sizes are declared. The pipeline's `fit` step cuts or leaves out what would not fit."""

from __future__ import annotations

import sqlalchemy as sa

from schoolsync.store.tables import metadata


def column_sizes(schema: sa.MetaData = metadata) -> dict[str, dict[str, int]]:
    """table name -> column name -> length, for every string column with a length."""
    return {
        table.name: {
            column.name: column.type.length
            for column in table.columns
            if isinstance(column.type, sa.String) and column.type.length
        }
        for table in schema.sorted_tables
    }


STORE_SIZES = column_sizes()
