"""Request ids, structured JSON logs and Prometheus metrics."""

from __future__ import annotations

from flask import Flask
from prometheus_client.registry import Collector

from service.observability.logs import configure_logging
from service.observability.metrics import register_metrics
from service.observability.request_ids import register_request_ids


def init_observability(app: Flask, *collectors: Collector) -> None:
    """Wire request ids, JSON logs and /metrics (with the extra `collectors`) into the app."""
    configure_logging(app.config.get("LOG_LEVEL", "INFO"))
    register_request_ids(app)
    register_metrics(app, *collectors)
