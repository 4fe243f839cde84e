"""OneRoster CSV packages (1.1 and 1.2): `reader` (a package to a Snapshot), `package` (zip or
folder), `manifest`, `tables`, `people`, `roles`, `classes`, and `vocab` (English school
conventions in OneRoster's words, shared with the export)."""
