"""Items 9 and 10: bounded /metrics labels, no open /metrics in production, and HTTP's required headers."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from tests.conftest import TEST_SETTINGS
from tests.helpers import assert_error
from tests.integration.api.world import World


def test_made_up_methods_and_paths_create_no_new_metric_labels(client: FlaskClient) -> None:
    for index in range(20):
        client.open("/api/v1/health", method=f"BREW{index}")
        client.get(f"/no/such/path/{index}")
    text = client.get("/metrics").get_data(as_text=True)
    methods = set(re.findall(r'reablement_http_requests_total\{[^}]*method="([^"]+)"', text))
    endpoints = set(re.findall(r'reablement_http_requests_total\{endpoint="([^"]+)"', text))
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"}
    assert "OTHER" in methods
    assert not any(endpoint.startswith("/no/such") for endpoint in endpoints)


def test_production_refuses_to_start_without_a_metrics_token(sqlite_url: str) -> None:
    settings = {**TEST_SETTINGS, "ENV": "production", "DATABASE_URL": sqlite_url}
    with pytest.raises(RuntimeError, match="METRICS_TOKEN"):
        create_app(settings)
    with pytest.raises(RuntimeError, match="METRICS_TOKEN"):
        create_app({**settings, "METRICS_TOKEN": "short"})
    client = create_app({**settings, "METRICS_TOKEN": "a-long-scrape-token"}).test_client()
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": "Bearer a-long-scrape-token"}).status_code == 200


def test_405_names_the_allowed_methods(client: FlaskClient) -> None:
    response = client.delete("/api/v1/visits")
    assert_error(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}
    assert "DELETE" not in response.headers["Allow"]


def test_401_carries_a_bearer_challenge(client: FlaskClient) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = client.get("/api/v1/me/caseload", headers=headers)
        assert_error(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "wrong"})
    assert_error(bad, 401)
    assert bad.headers["WWW-Authenticate"].startswith("Bearer")


def test_sign_in_429_carries_retry_after(app: Flask, world: World) -> None:
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        world.client.post("/api/v1/auth/token", json={"username": "target", "password": "wrong"})
    response = world.client.post("/api/v1/auth/token", json={"username": "target", "password": "wrong"})
    assert_error(response, 429)
    assert int(response.headers["Retry-After"]) > 0
