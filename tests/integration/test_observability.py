"""Request ids, JSON logs, /metrics and security headers."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from service.database import db
from service.observability.logs import JsonFormatter
from service.observability.request_ids import current_request_id
from tests.integration.api.world import World


def test_every_response_carries_a_request_id_and_a_sane_given_one_is_kept(client: FlaskClient) -> None:
    made = client.get("/api/v1/health").headers["X-Request-ID"]
    assert len(made) == 32
    kept = client.get("/api/v1/health", headers={"X-Request-ID": "phone-abc.1"}).headers["X-Request-ID"]
    assert kept == "phone-abc.1"
    hostile = client.get("/api/v1/health", headers={"X-Request-ID": "<script> & spaces"}).headers["X-Request-ID"]
    assert hostile != "<script> & spaces" and len(hostile) == 32


def test_log_lines_are_json_with_the_request_id() -> None:
    token = current_request_id.set("req-123")
    try:
        record = logging.LogRecord("service.test", logging.WARNING, __file__, 1, "visit %s refused", ("v1",), None)
        line = json.loads(JsonFormatter().format(record))
    finally:
        current_request_id.reset(token)
    assert line["message"] == "visit v1 refused" and line["request_id"] == "req-123" and line["level"] == "WARNING"


def test_metrics_count_requests_and_appended_events(world: World) -> None:
    client = world.client
    before = client.get("/metrics").get_data(as_text=True)
    world.open_episode()
    text = client.get("/metrics").get_data(as_text=True)
    assert 'reablement_http_requests_total{endpoint="/api/v1/episodes",method="POST",status="201"}' in text
    assert "reablement_http_request_seconds_bucket" in text
    assert "reablement_projection_lag_events 0.0" in text

    def opened(exposition: str) -> float:
        lines = [line for line in exposition.splitlines()
                 if line.startswith('reablement_events_appended_total{type="EpisodeOpened"}')]
        return float(lines[0].split()[-1]) if lines else 0.0

    assert opened(text) == opened(before) + 1


def test_metrics_need_the_token_when_one_is_configured(sqlite_url: str) -> None:
    from service import create_app
    from tests.conftest import TEST_SETTINGS

    client = create_app({**TEST_SETTINGS, "DATABASE_URL": sqlite_url, "METRICS_TOKEN": "scrape-secret"}).test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 200


def test_security_headers_and_no_cors_grant(client: FlaskClient) -> None:
    response = client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options("/api/v1/visits", headers={"Origin": "https://evil.example",
                                                          "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_production_refuses_the_default_secret_key() -> None:
    from service import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV": "production"})
    assert create_app({"ENV": "production", "SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite://",
                       "METRICS_TOKEN": "m" * 16})



def test_a_logged_database_error_carries_no_sql_parameter_values(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    """Visit notes, password and token hashes go into SQL parameters; a failed statement must not log them."""
    secret = "Mrs Example fell on the stairs; note 7f3a9c"

    @app.get("/test-only/failing-statement")
    def failing_statement() -> str:
        db.session.execute(text("SELECT id FROM no_such_table WHERE note = :note"), {"note": secret})
        return "unreachable"

    logger = logging.getLogger("service.errors")  # the app's logging does not propagate to the root logger
    logger.addHandler(caplog.handler)
    try:
        response = app.test_client().get("/test-only/failing-statement")
    finally:
        logger.removeHandler(caplog.handler)

    assert response.status_code in (500, 503) and secret not in response.get_data(as_text=True)
    logged = [JsonFormatter().format(record) for record in caplog.records] + [caplog.text]
    assert any("database unavailable" in line or "no_such_table" in line for line in logged), logged  # it is logged
    assert not any(secret in line or "7f3a9c" in line for line in logged), logged
