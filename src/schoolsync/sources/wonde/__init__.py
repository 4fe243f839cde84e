"""The Wonde school-data API: `client` (HTTP, paging, regional URLs), `records` and `values`
(Wonde's JSON to domain values), `permissions` (what a school may withhold) and `reader` (what
one sync reads, and the reader the registry hands the pipeline)."""
