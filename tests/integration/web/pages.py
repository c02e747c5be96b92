"""Driving the web pages as a browser would: signing in with the form, posting forms with their CSRF token."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import PASSWORD, username_of

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token a page's form carries."""
    page = client.get(path)
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match, (path, page.status_code)
    return match.group(1)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Submit the sign-in form (with its token); returns the response."""
    token = csrf_token(client, "/sign-in")
    return client.post("/sign-in", data={"csrf_token": token, "username": username, "password": password})


def browser_for(app: Flask, user_id: uuid.UUID) -> FlaskClient:
    """A new client (its own cookie jar) signed in to the pages as the user."""
    client = app.test_client()
    response = sign_in(client, username_of(app, user_id))
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def post_form(client: FlaskClient, page: str, action: str, data: dict[str, Any]) -> Any:
    """Post `data` to `action` with the CSRF token from `page`, as the page's form would."""
    return client.post(action, data={"csrf_token": csrf_token(client, page), **data})
