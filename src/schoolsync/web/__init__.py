"""The HTTP interface: a REST API for the product and for scripts (OpenAPI at /docs)."""
