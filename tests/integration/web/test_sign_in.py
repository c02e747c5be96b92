"""Signing in to the pages: the session cookie, throttling like the API, workers, and signing out."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import make_provider, make_user, username_of
from tests.integration.web.pages import csrf_token, post_form, sign_in


def _session_cookie(response: Any) -> str:
    cookies = [header for header in response.headers.getlist("Set-Cookie") if header.startswith("session=")]
    assert cookies, response.headers
    return str(cookies[-1])


def test_session_cookie_is_http_only_and_same_site_lax_and_holds_no_password(app: Flask, client: FlaskClient) -> None:
    manager = make_user(app, "manager", make_provider(app))

    response = sign_in(client, username_of(app, manager))

    assert response.status_code == 303 and response.headers["Location"] == "/flags"
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # TESTING: the test client speaks plain http
    page = client.get("/flags")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    # flask-wtf's HTTPS check needs the Referer of same-site form posts; other sites still get none.
    assert page.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("app_settings", [{"ENV": "production", "TESTING": False, "METRICS_TOKEN": "m" * 16}])
def test_session_cookie_is_secure_outside_development(app: Flask, client: FlaskClient) -> None:
    manager = make_user(app, "manager", make_provider(app))

    cookie = _session_cookie(sign_in(client, username_of(app, manager)))

    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sixth_failed_sign_in_within_the_window_is_throttled_even_with_the_right_password(
        app: Flask, client: FlaskClient) -> None:
    username = username_of(app, make_user(app, "manager", make_provider(app)))
    unknown = sign_in(client, "nobody-at-all", "wrong password")
    wrong = [sign_in(client, username, "wrong password") for _ in range(5)]

    throttled = sign_in(client, username)

    assert unknown.status_code == 401 and all(response.status_code == 401 for response in wrong)
    message = "The username or password is not right."
    assert message in unknown.get_data(as_text=True) and message in wrong[0].get_data(as_text=True)
    assert throttled.status_code == 429 and "wait 15 minutes" in throttled.get_data(as_text=True)
    api = client.post("/api/v1/auth/token", json={"username": username, "password": "correct horse battery"})
    assert api.status_code == 429  # one throttle for the pages and the API


def test_signing_out_ends_the_session(app: Flask, client: FlaskClient) -> None:
    sign_in(client, username_of(app, make_user(app, "manager", make_provider(app))))
    assert client.get("/flags").status_code == 200

    response = post_form(client, "/flags", "/sign-out", {})

    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    after = client.get("/flags")
    assert after.status_code == 302 and after.headers["Location"].startswith("/sign-in")


def test_worker_is_sent_to_the_phone_app_and_cannot_use_manager_pages(app: Flask, client: FlaskClient) -> None:
    sign_in(client, username_of(app, make_user(app, "worker", make_provider(app))))

    home = client.get("/")

    assert home.status_code == 200 and "phone app" in home.get_data(as_text=True)
    for path in ("/flags", "/episodes", "/dashboard", "/providers", "/contracts", "/reports/effectiveness.csv"):
        response = client.get(path)
        assert response.status_code == 403 and "phone app" in response.get_data(as_text=True), path


def test_sign_in_goes_back_to_the_page_asked_for_but_never_to_another_site(app: Flask, client: FlaskClient) -> None:
    username = username_of(app, make_user(app, "manager", make_provider(app)))
    assert client.get("/dashboard?from=2025-01-01").headers["Location"] == "/sign-in?next=/dashboard?from%3D2025-01-01"

    token = csrf_token(client, "/sign-in")
    elsewhere = client.post("/sign-in", data={"csrf_token": token, "username": username,
                                              "password": "correct horse battery", "next": "//evil.example/x"})
    assert elsewhere.headers["Location"] == "/flags"
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/flags")})
    token = csrf_token(client, "/sign-in")
    back = client.post("/sign-in", data={"csrf_token": token, "username": username,
                                         "password": "correct horse battery", "next": "/dashboard"})
    assert back.headers["Location"] == "/dashboard"
