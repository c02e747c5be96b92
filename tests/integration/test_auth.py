"""Sign-in, tokens, throttling and role checks over the API (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from service.database import db
from service.models import AccessToken, utcnow
from tests.helpers import PASSWORD, assert_error, headers_for, make_provider, make_user, sign_in, username_of

TOKEN_URL = "/api/v1/auth/token"


def test_sign_in_returns_a_bearer_token_and_the_user(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    user_id = make_user(app, "manager", provider, username="mgr1")
    response = client.post(TOKEN_URL, json={"username": "mgr1", "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0 and len(body["access_token"]) > 30
    assert body["user"] == {"id": str(user_id), "username": "mgr1", "role": "manager", "provider_id": str(provider)}


def test_wrong_password_and_unknown_user_get_the_same_401(app: Flask, client: FlaskClient) -> None:
    make_user(app, "admin", username="boss")
    wrong = assert_error(client.post(TOKEN_URL, json={"username": "boss", "password": "x" * 12}), 401)
    unknown = assert_error(client.post(TOKEN_URL, json={"username": "nobody", "password": "x" * 12}), 401)
    assert wrong["message"] == unknown["message"]


def test_sixth_attempt_within_fifteen_minutes_is_rate_limited_even_with_the_right_password(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "admin", username="target")
    for _ in range(5):
        assert_error(client.post(TOKEN_URL, json={"username": "target", "password": "wrong-password"}), 401)
    assert_error(client.post(TOKEN_URL, json={"username": "target", "password": PASSWORD}), 429)
    # Another username is not affected.
    make_user(app, "admin", username="other")
    assert client.post(TOKEN_URL, json={"username": "other", "password": PASSWORD}).status_code == 200


def test_four_failures_then_the_right_password_still_signs_in(app: Flask, client: FlaskClient) -> None:
    make_user(app, "admin", username="typo")
    for _ in range(4):
        client.post(TOKEN_URL, json={"username": "typo", "password": "wrong-password"})
    assert client.post(TOKEN_URL, json={"username": "typo", "password": PASSWORD}).status_code == 200


def test_revoked_token_stops_working(app: Flask, client: FlaskClient) -> None:
    headers = headers_for(app, client, "admin")
    assert client.get("/api/v1/providers", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/revoke", headers=headers).status_code == 204
    assert_error(client.get("/api/v1/providers", headers=headers), 401)


def test_expired_token_is_401(app: Flask, client: FlaskClient) -> None:
    headers = headers_for(app, client, "admin")
    with app.app_context(), db.transaction() as session:
        session.execute(update(AccessToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert_error(client.get("/api/v1/providers", headers=headers), 401)


def test_missing_and_garbage_tokens_are_401(client: FlaskClient) -> None:
    assert_error(client.get("/api/v1/providers"), 401, reason="not_signed_in")
    assert_error(client.get("/api/v1/providers", headers={"Authorization": "Bearer nonsense"}), 401,
                 reason="token_invalid")
    assert_error(client.get("/api/v1/providers", headers={"Authorization": "Basic abc"}), 401, reason="not_signed_in")


def test_tokens_are_stored_only_as_hashes(app: Flask, client: FlaskClient) -> None:
    headers = headers_for(app, client, "admin")
    token = headers["Authorization"].split()[1]
    with app.app_context(), db.transaction() as session:
        stored = [row.token_hash for row in session.query(AccessToken).all()]
    assert token not in stored and all(len(value) == 64 for value in stored)


def test_malformed_json_is_400(client: FlaskClient) -> None:
    response = client.post(TOKEN_URL, data="{not json", content_type="application/json")
    assert_error(response, 400)


def test_unknown_and_missing_fields_are_422_naming_them(client: FlaskClient) -> None:
    body = assert_error(client.post(TOKEN_URL, json={"username": "a", "password": "b", "extra": 1}), 422, "extra")
    assert "extra" in body["message"]
    assert_error(client.post(TOKEN_URL, json={"username": "a"}), 422, "password")
    assert_error(client.post(TOKEN_URL, json={"username": 5, "password": "b"}), 422, "username")
    assert_error(client.post(TOKEN_URL, json=["not", "an", "object"]), 422)


def test_body_over_the_size_limit_is_413(client: FlaskClient) -> None:
    huge = '{"username": "' + "a" * (5 * 1024 * 1024) + '", "password": "x"}'
    assert_error(client.post(TOKEN_URL, data=huge, content_type="application/json"), 413)


def test_unknown_route_is_404_in_the_standard_body(client: FlaskClient) -> None:
    assert_error(client.get("/api/v1/nothing-here"), 404)


def test_workers_cannot_create_users_or_providers(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    headers = headers_for(app, client, "worker", provider)
    assert_error(client.post("/api/v1/providers", json={"name": "X", "kind": "external"}, headers=headers), 403)
    body = {"username": "new", "password": "a" * 12, "role": "admin"}
    assert_error(client.post("/api/v1/users", json=body, headers=headers), 403)


def test_admin_creates_provider_and_users_with_rules(app: Flask, client: FlaskClient) -> None:
    headers = headers_for(app, client, "admin")
    response = client.post("/api/v1/providers", json={"name": "Home First", "kind": "in_house"}, headers=headers)
    assert response.status_code == 201
    provider_id = response.get_json()["id"]
    assert_error(client.post("/api/v1/providers", json={"name": "Home First", "kind": "in_house"},
                             headers=headers), 409, "name")
    assert_error(client.post("/api/v1/providers", json={"name": "Y", "kind": "charity"}, headers=headers),
                 422, "kind")
    short = {"username": "w1", "password": "elevenchars", "role": "worker", "provider_id": provider_id}
    assert_error(client.post("/api/v1/users", json=short, headers=headers), 422, "password")
    no_provider = {"username": "w1", "password": "twelve chars", "role": "worker"}
    assert_error(client.post("/api/v1/users", json=no_provider, headers=headers), 422, "provider_id")
    good = {"username": "w1", "password": "twelve chars", "role": "worker", "provider_id": provider_id}
    created = client.post("/api/v1/users", json=good, headers=headers)
    assert created.status_code == 201
    assert created.get_json()["provider_id"] == provider_id and "password" not in created.get_json()
    assert_error(client.post("/api/v1/users", json=good, headers=headers), 409, "username")
    assert sign_in(client, "w1", "twelve chars")


def test_health_reports_database_inline_queue_and_zero_lag(client: FlaskClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "queue": "inline", "projection_lag": 0}


def test_username_lookup_helper_round_trips(app: Flask) -> None:
    user_id = make_user(app, "commissioner", username="comm")
    assert username_of(app, user_id) == "comm"


def test_roles_are_checked_before_the_body_is_validated(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    headers = headers_for(app, client, "worker", provider)
    assert_error(client.post("/api/v1/providers", json={"nonsense": True}, headers=headers), 403)
    assert_error(client.post("/api/v1/users", json={}, headers=headers), 403)
    assert_error(client.post("/api/v1/users", json={}), 401)


def test_provider_and_user_lists_are_paginated(app: Flask, client: FlaskClient) -> None:
    headers = headers_for(app, client, "admin")
    for index in range(3):
        make_provider(app, f"Provider {index}")
    page = client.get("/api/v1/providers?page=2&page_size=2", headers=headers).get_json()
    assert page["total"] == 3 and page["page"] == 2 and page["page_size"] == 2
    assert [item["name"] for item in page["items"]] == ["Provider 2"]
    users = client.get("/api/v1/users", headers=headers).get_json()
    assert users["total"] == 1 and users["items"][0]["role"] == "admin"
    assert_error(client.get("/api/v1/providers?page_size=501", headers=headers), 422, "page_size")
