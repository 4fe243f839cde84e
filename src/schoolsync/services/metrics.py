"""Prometheus metrics, read from the database at scrape time.

Runs are made by many processes (the web app's threads, `schoolsync worker`s on other machines,
a person's `schoolsync sync`), so an in-process counter would see only its own share: every
figure here is read from the store when Prometheus asks, and every process serving /metrics
gives the same answer. Nothing here names a school or a person: only counts.

Each reading is a function from a connection and the time to metric families; a new figure
is one more function in `READINGS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric

if TYPE_CHECKING:
    import sqlalchemy as sa

Reading = Callable[["sa.Connection", dt.datetime], Iterable[Metric]]

#: Bounds of the run duration histogram, in seconds: a small school's incremental sync takes
#: well under a second, a large school's first full sync minutes.
DURATION_BOUNDS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)


def runs(conn: sa.Connection, _now: dt.datetime) -> Iterable[Metric]:
    from schoolsync.model.run_status import LABELS
    from schoolsync.store.run_stats import run_durations, runs_by_status

    counted = runs_by_status(conn)
    family = GaugeMetricFamily(
        "schoolsync_runs", "Sync runs recorded in the store, by status", labels=["status"]
    )
    for status in sorted({*LABELS, *counted}):
        family.add_metric([status], counted.get(status, 0))
    yield family
    durations = run_durations(conn, DURATION_BOUNDS)
    buckets = [(str(float(b)), n) for b, n in zip(durations.bounds, durations.at_most, strict=True)]
    yield HistogramMetricFamily(
        "schoolsync_run_duration_seconds",
        "How long finished sync runs took, from start to end",
        buckets=[*buckets, ("+Inf", durations.count)],
        sum_value=durations.total_seconds,
    )


def schools(conn: sa.Connection, now: dt.datetime) -> Iterable[Metric]:
    from schoolsync.model.fleet import HEALTH
    from schoolsync.store.fleet import health_counts

    counts = health_counts(conn, now)
    yield GaugeMetricFamily("schoolsync_schools_registered", "Schools in the store",
                            value=counts["total"])  # fmt: skip
    family = GaugeMetricFamily(
        "schoolsync_schools",
        "Schools failing, needing approval, overdue or paused (one school can be in several)",
        labels=["health"],
    )
    for name in HEALTH:
        family.add_metric([name], counts[name])
    yield family


def sync_queue(conn: sa.Connection, now: dt.datetime) -> Iterable[Metric]:
    from schoolsync.store.run_stats import queue_depth

    depth = queue_depth(conn, now)
    yield GaugeMetricFamily(
        "schoolsync_queue_depth",
        "Sync jobs due now that no worker has taken yet",
        value=depth.waiting,
    )
    yield GaugeMetricFamily(
        "schoolsync_queue_oldest_wait_seconds",
        "How long the oldest job due has waited for a worker",
        value=depth.oldest_seconds,
    )
    yield GaugeMetricFamily(
        "schoolsync_queue_running", "Sync jobs a worker is running", value=depth.running
    )
    yield GaugeMetricFamily("schoolsync_queue_later",
                            "Sync jobs queued for later (a night not yet come, a retry)",
                            value=depth.later)  # fmt: skip


def write_back(conn: sa.Connection, now: dt.datetime) -> Iterable[Metric]:
    from schoolsync.model.attendance import MARK_STATUSES
    from schoolsync.store.run_stats import write_back as outbox

    found = outbox(conn, now)
    marks = GaugeMetricFamily("schoolsync_writeback_marks",
                              "Attendance marks to write back to the MIS, by status",
                              labels=["status"])  # fmt: skip
    for status in sorted({*MARK_STATUSES, *found.marks}):
        marks.add_metric([status], found.marks.get(status, 0))
    yield marks
    yield GaugeMetricFamily("schoolsync_writeback_lag_seconds",
                            "How long the oldest mark not yet in the MIS has waited",
                            value=found.lag_seconds)  # fmt: skip


READINGS: tuple[Reading, ...] = (runs, schools, sync_queue, write_back)


class _StoreCollector:
    """Reads every figure in one connection per scrape; a database that cannot be read is
    `schoolsync_database_up 0`, not an error page, so an alert can say what is wrong."""

    def __init__(self, engine: sa.Engine, now: dt.datetime) -> None:
        self._engine, self._now = engine, now

    def collect(self) -> Iterator[Metric]:
        import sqlalchemy as sa

        from schoolsync.errors import SchoolsyncError

        try:
            with self._engine.connect() as conn:
                families = [f for reading in READINGS for f in reading(conn, self._now)]
        except (sa.exc.SQLAlchemyError, SchoolsyncError):
            families = None
        yield GaugeMetricFamily("schoolsync_database_up", "1 if the store could be read",
                                value=0 if families is None else 1)  # fmt: skip
        yield from families or ()


def exposition(engine: sa.Engine, now: dt.datetime) -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_StoreCollector(engine, now))
    return generate_latest(registry), CONTENT_TYPE_LATEST
