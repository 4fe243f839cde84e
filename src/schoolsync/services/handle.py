"""The store as the web app holds it: a handle it keeps and passes to the services, never opens.

Its own module (not `services/store.py`) because naming the type at run time imports SQLAlchemy,
which the CLI's `--help` must not pay for; FastAPI reads route annotations at run time."""

from __future__ import annotations

import sqlalchemy as sa

#: What `services.store.engine_for` returns and every service takes.
Store = sa.Engine
