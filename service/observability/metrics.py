"""Prometheus metrics at /metrics: requests, latency, events appended, queue depth, lag, failed jobs."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from redis.exceptions import RedisError
from rq.registry import FailedJobRegistry
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

REQUESTS = Counter("reablement_http_requests_total", "HTTP requests", ["endpoint", "method", "status"])
LATENCY = Histogram("reablement_http_request_seconds", "HTTP request latency", ["endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
EVENTS = Counter("reablement_events_appended_total", "Events committed to the log", ["type"])


@event.listens_for(Session, "after_commit")
def _count_committed_events(session: Session) -> None:
    """Count appended events only once their transaction has committed."""
    for event_type in session.info.pop("appended_types", []):
        EVENTS.labels(event_type).inc()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_events(session: Session) -> None:
    """Rolled-back appends never happened."""
    session.info.pop("appended_types", None)


def note_appended(session: Session, event_type: str) -> None:
    """Remember an append, to count at commit."""
    session.info.setdefault("appended_types", []).append(event_type)


class BacklogCollector(Collector):
    """Read at scrape time: queue depth, failed jobs, projection lag."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the current backlog gauges (absent when their source is unreachable)."""
        from service.database import db
        from service.projections.lag import projection_lag
        from service.queue import get_queue

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


def _registry(app: Flask) -> CollectorRegistry:
    """The registry to expose: multi-process aggregation under gunicorn when configured."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for metric in (REQUESTS, LATENCY, EVENTS):
            registry.register(metric)
    registry.register(BacklogCollector(app))
    return registry


def register_metrics(app: Flask) -> None:
    """Time every request and serve /metrics."""
    registry = _registry(app)

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
        started: Any = g.get("request_started")
        if started is not None and endpoint != "/metrics":
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
            REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        return response

    @app.route("/metrics")
    def metrics() -> Response:
        """Prometheus text exposition (bearer METRICS_TOKEN required when set)."""
        token = current_app.config.get("METRICS_TOKEN")
        if token and request.headers.get("Authorization") != f"Bearer {token}":
            return Response("unauthorised\n", status=401, mimetype="text/plain")
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
