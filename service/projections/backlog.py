"""The backlog of derived state as Prometheus gauges read at scrape time: projection lag, queue depth, failed jobs."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from redis.exceptions import RedisError
from rq.registry import FailedJobRegistry
from sqlalchemy.exc import SQLAlchemyError

from service.database import db
from service.projections.lag import projection_lag
from service.queue import get_queue


class BacklogCollector(Collector):
    """Read at scrape time: queue depth, failed jobs, projection lag."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the current backlog gauges (absent when their source is unreachable)."""
        with self.app.app_context():
            try:
                with db.transaction() as session:
                    yield GaugeMetricFamily("reablement_projection_lag_events",
                                            "Events appended but not yet in derived state",
                                            value=projection_lag(session))
            except SQLAlchemyError:
                pass
            queue = get_queue()
            if queue is not None:
                try:
                    yield GaugeMetricFamily("reablement_queue_depth", "Jobs waiting", value=queue.count)
                    yield GaugeMetricFamily("reablement_failed_jobs", "Jobs in the failed registry",
                                            value=FailedJobRegistry(queue=queue).count)
                except RedisError:
                    pass
