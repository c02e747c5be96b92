"""Small helpers tests share: accounts and signed-in headers."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.admin.accounts import create_provider, create_user
from service.database import db
from service.errors import known_reasons

PASSWORD = "correct horse battery"


def make_provider(app: Flask, name: str | None = None, kind: str = "external") -> uuid.UUID:
    """Create a provider directly in the database."""
    with app.app_context(), db.transaction() as session:
        return create_provider(session, name or f"Provider {uuid.uuid4().hex[:8]}", kind).id


def make_user(app: Flask, role: str, provider_id: uuid.UUID | None = None, username: str | None = None) -> uuid.UUID:
    """Create a user with the shared test password."""
    with app.app_context(), db.transaction() as session:
        name = username or f"{role}-{uuid.uuid4().hex[:8]}"
        return create_user(session, name, PASSWORD, role, provider_id).id


def username_of(app: Flask, user_id: uuid.UUID) -> str:
    """A user's username."""
    from service.models import User

    with app.app_context(), db.transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.username


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Authorization headers for `username`."""
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def headers_for(app: Flask, client: FlaskClient, role: str, provider_id: uuid.UUID | None = None) -> dict[str, str]:
    """Create a user with `role` and return its signed-in headers."""
    user_id = make_user(app, role, provider_id)
    return sign_in(client, username_of(app, user_id))


def assert_error(response: Any, status: int, field: str | None = None, reason: str | None = None) -> dict[str, Any]:
    """Check the standard error body (its `reason` one the API documents), optionally its `field` and `reason`."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    body: dict[str, Any] = response.get_json()
    assert set(body) == {"code", "status", "reason", "message", "errors"}, body
    assert body["code"] == status and body["message"]
    assert body["reason"] in known_reasons(), body
    if field is not None:
        assert field in body["errors"], body
    if reason is not None:
        assert body["reason"] == reason, body
    return body
