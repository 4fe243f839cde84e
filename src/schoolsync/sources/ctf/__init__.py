"""The DfE Common Transfer File (XML): `reader` (the file to a Snapshot), `pupil` with
`pupil_reading`, `support` and `contacts` (one `<Pupil>`), `xml` (safe parsing), `codes` and
`ids`."""
