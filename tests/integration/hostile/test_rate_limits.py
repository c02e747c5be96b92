"""Item 11: general rate limits per client (token, or IP when anonymous) and per IP, 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from service import create_app
from service.config import DEFAULTS
from service.database import db
from tests.conftest import TEST_SETTINGS
from tests.helpers import assert_error, make_provider, make_user, sign_in, username_of
from tests.integration.api.world import World, visit_body
from tests.integration.workers.redis_server import free_port


def limited(url: str, **settings: Any) -> Flask:
    """An app on `url` with its own limits."""
    return create_app({**TEST_SETTINGS, "DATABASE_URL": url, **settings})


@pytest.fixture
def app_settings() -> dict[str, Any]:
    """Small budgets so the tests reach them (the suite's other tests run with budgets they never reach)."""
    return {"RATE_LIMIT_PER_CLIENT": "20/minute", "RATE_LIMIT_PER_IP": "50/minute"}


def test_a_token_over_its_budget_gets_429_with_retry_after(app: Flask) -> None:
    client = app.test_client()
    manager = username_of(app, make_user(app, "manager", make_provider(app)))
    headers = sign_in(client, manager)
    statuses = [client.get("/api/v1/episodes", headers=headers).status_code for _ in range(20)]
    assert set(statuses) == {200}
    refused = client.get("/api/v1/episodes", headers=headers)
    body = assert_error(refused, 429)
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    assert refused.headers["Retry-After"] in body["message"]
    # Another token from the same address has its own budget (the address budget is wider).
    other = sign_in(client, manager)
    assert client.get("/api/v1/episodes", headers=other).status_code == 200


def test_anonymous_requests_count_per_address_and_health_is_exempt(app: Flask) -> None:
    client = app.test_client()
    codes = [client.post("/api/v1/auth/token", json={"username": f"u{index}", "password": "x"}).status_code
             for index in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429
    assert all(client.get("/api/v1/health").status_code != 429 for _ in range(30))
    other_address = app.test_client()
    response = other_address.post("/api/v1/auth/token", json={"username": "u", "password": "x"},
                                  environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 401


def test_the_address_budget_covers_every_token_from_it(app: Flask) -> None:
    client = app.test_client()
    manager = username_of(app, make_user(app, "manager", make_provider(app)))
    tokens = [sign_in(client, manager) for _ in range(3)]  # 3 requests spent
    codes = [client.get("/api/v1/episodes", headers=tokens[index % 3]).status_code for index in range(48)]
    assert codes[:47] == [200] * 47 and codes[47] == 429


def test_web_pages_get_a_429_page_with_retry_after(app: Flask) -> None:
    client = app.test_client()
    for _ in range(20):
        client.get("/sign-in")
    response = client.get("/sign-in")
    assert response.status_code == 429
    assert response.mimetype == "text/html" and int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("app_settings", [{name: DEFAULTS[name] for name in ("RATE_LIMIT_PER_CLIENT",
                                                                         "RATE_LIMIT_PER_IP")}])
def test_the_default_budget_lets_a_phone_sync_500_visits_one_by_one(app: Flask, world: World) -> None:
    """The shipped budgets, not the suite's: 500 single visits and the caseload reads around them all pass."""
    assert app.config["RATE_LIMIT_PER_CLIENT"] == "1000/minute"
    episode = world.open_episode()
    client = world.client
    assert client.get("/api/v1/me/caseload", headers=world.worker.headers).status_code == 200
    statuses = {client.post("/api/v1/visits", json=visit_body(episode["id"]), headers=world.worker.headers)
                .status_code for _ in range(500)}
    assert statuses == {201}
    assert client.get("/api/v1/me/caseload", headers=world.worker.headers).status_code == 200


@pytest.fixture
def two_workers(sqlite_url: str, redis_url: str) -> Iterator[tuple[Flask, Flask]]:
    """Two app instances sharing one Redis, as two gunicorn workers do."""
    settings = {"REDIS_URL": redis_url, "RATE_LIMIT_PER_CLIENT": "10/minute", "RATE_LIMIT_PER_IP": "100/minute"}
    yield limited(sqlite_url, **settings), limited(sqlite_url, **settings)
    db.dispose()


def test_counters_in_redis_are_shared_by_every_worker(two_workers: tuple[Flask, Flask]) -> None:
    first, second = (app.test_client() for app in two_workers)
    codes = [(first if index % 2 else second).get("/api/v1/me/caseload").status_code for index in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429


def test_a_redis_outage_does_not_refuse_or_fail_requests(sqlite_url: str) -> None:
    app = limited(sqlite_url, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", RATE_LIMIT_PER_CLIENT="1000/minute")
    try:
        client = app.test_client()
        assert {client.get("/api/v1/me/caseload").status_code for _ in range(5)} == {401}
    finally:
        db.dispose()
