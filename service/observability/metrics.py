"""Prometheus metrics at /metrics: requests, latency and events appended, plus the collectors the app adds."""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from service.database import db

# Label values come from a closed set, so no client can create new time series: the route's
# template (never the raw path), a known method (anything else is "OTHER") and the status code.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REQUESTS = Counter("reablement_http_requests_total", "HTTP requests", ["endpoint", "method", "status"])
LATENCY = Histogram("reablement_http_request_seconds", "HTTP request latency", ["endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
EVENTS = Counter("reablement_events_appended_total", "Events committed to the log", ["type"])


def _count_committed_events(session: Session) -> None:
    """Count appended events only once their transaction has committed."""
    for event_type in session.info.pop("appended_types", []):
        EVENTS.labels(event_type).inc()


def _forget_rolled_back_events(session: Session) -> None:
    """Rolled-back appends never happened."""
    session.info.pop("appended_types", None)


def count_appended_events(sessions: sessionmaker[Session]) -> None:
    """Count the events appended through these sessions, at commit."""
    event.listen(sessions, "after_commit", _count_committed_events)
    event.listen(sessions, "after_rollback", _forget_rolled_back_events)


def note_appended(session: Session, event_type: str) -> None:
    """Remember an append, to count at commit."""
    session.info.setdefault("appended_types", []).append(event_type)


def _registry(collectors: tuple[Collector, ...]) -> CollectorRegistry:
    """The registry to expose: multi-process aggregation under gunicorn when configured, and `collectors`."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for metric in (REQUESTS, LATENCY, EVENTS):
            registry.register(metric)
    for collector in collectors:
        registry.register(collector)
    return registry


def register_metrics(app: Flask, *collectors: Collector) -> None:
    """Time every request, count appended events, and serve /metrics with the extra `collectors` read at scrape."""
    count_appended_events(db.of(app).sessions)
    registry = _registry(collectors)

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
        started: Any = g.get("request_started")
        if started is not None and endpoint != "/metrics":
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
            method = request.method if request.method in KNOWN_METHODS else "OTHER"
            REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        return response

    @app.route("/metrics")
    def metrics() -> Response:
        """Prometheus text exposition (bearer METRICS_TOKEN required when set)."""
        token = current_app.config.get("METRICS_TOKEN")
        if token and request.headers.get("Authorization") != f"Bearer {token}":
            return Response("unauthorised\n", status=401, mimetype="text/plain",
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
