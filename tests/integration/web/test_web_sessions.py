"""A browser's session ends at once on sign-out, password reset, deactivation or revocation, even for a saved cookie."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.database import db
from service.models import SignInSession, utcnow
from tests.helpers import username_of
from tests.integration.api.world import World
from tests.integration.web.pages import browser_for, post_form, sign_in

PAGE = "/flags"


def saved_cookie(browser: FlaskClient) -> str:
    """The session cookie as an attacker (or a back-up of the browser profile) would keep it."""
    cookie = browser.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app: Flask, cookie: str) -> int:
    """Status of the page for a fresh browser holding only the saved cookie (200 signed in, 302 to sign-in)."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get(PAGE)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/sign-in")
    return response.status_code


def web_session_ids(app: Flask, user_id: uuid.UUID) -> list[uuid.UUID]:
    """The user's live web sessions."""
    with app.app_context(), db.transaction() as session:
        return list(session.execute(select(SignInSession.id).where(
            SignInSession.user_id == user_id, SignInSession.kind == "web",
            SignInSession.ended_at.is_(None))).scalars())


def test_a_saved_cookie_stops_working_when_the_user_signs_out(app: Flask, world: World) -> None:
    browser = browser_for(app, world.manager.id)
    cookie = saved_cookie(browser)
    assert replay(app, cookie) == 200

    assert post_form(browser, PAGE, "/sign-out", {}).status_code == 303

    assert replay(app, cookie) == 302
    assert web_session_ids(app, world.manager.id) == []


def _reset_password(world: World) -> None:
    response = world.client.patch(f"/api/v1/users/{world.manager.id}", json={"password": "another long passphrase"},
                                  headers=world.admin.headers)
    assert response.status_code == 200


def _deactivate(world: World) -> None:
    response = world.client.patch(f"/api/v1/users/{world.manager.id}", json={"active": False},
                                  headers=world.admin.headers)
    assert response.status_code == 200


def _revoke_every_web_session(world: World) -> None:
    listing = world.client.get(f"/api/v1/users/{world.manager.id}/sessions", headers=world.admin.headers)
    web = [item["id"] for item in listing.get_json()["items"] if item["kind"] == "web"]
    assert web
    for session_id in web:
        response = world.client.delete(f"/api/v1/users/{world.manager.id}/sessions/{session_id}",
                                       headers=world.admin.headers)
        assert response.status_code == 204


@pytest.mark.parametrize("end", [_reset_password, _deactivate, _revoke_every_web_session],
                         ids=["password reset", "deactivation", "revoked by an admin"])
def test_the_browser_is_signed_out_at_once(app: Flask, world: World, end: Callable[[World], None]) -> None:
    browser = browser_for(app, world.manager.id)
    cookie = saved_cookie(browser)
    assert browser.get(PAGE).status_code == 200

    end(world)

    assert browser.get(PAGE).status_code == 302
    assert replay(app, cookie) == 302


def test_a_deactivated_user_cannot_sign_in_to_the_pages(app: Flask, world: World) -> None:
    _deactivate(world)

    refused = sign_in(app.test_client(), username_of(app, world.manager.id))

    assert refused.status_code == 401 and "deactivated" in refused.get_data(as_text=True)


def test_a_web_session_ends_twelve_hours_after_sign_in_however_busy(app: Flask, world: World) -> None:
    browser = browser_for(app, world.manager.id)
    with app.app_context(), db.transaction() as session:
        session.execute(update(SignInSession).where(SignInSession.kind == "web")
                        .values(expires_at=utcnow() - timedelta(seconds=1)))

    assert browser.get(PAGE).status_code == 302


def test_web_sessions_are_listed_with_the_browser(app: Flask, world: World) -> None:
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (iPad; CPU OS 18_0)"
    assert sign_in(browser, username_of(app, world.manager.id)).status_code == 303

    items = world.client.get(f"/api/v1/users/{world.manager.id}/sessions", headers=world.admin.headers).get_json()

    web = [item for item in items["items"] if item["kind"] == "web"]
    assert [item["user_agent"] for item in web] == ["Mozilla/5.0 (iPad; CPU OS 18_0)"]


@pytest.mark.parametrize("second", ["manager", "admin"])
def test_signing_in_over_a_live_session_ends_the_previous_one(app: Flask, world: World, second: str) -> None:
    """The same person signing in again, or someone else at a shared office PC: the old cookie stops working."""
    browser = browser_for(app, world.manager.id)
    old_cookie = saved_cookie(browser)

    assert sign_in(browser, username_of(app, getattr(world, second).id)).status_code == 303

    assert saved_cookie(browser) != old_cookie
    assert replay(app, old_cookie) == 302
    assert replay(app, saved_cookie(browser)) == 200
    assert len(web_session_ids(app, world.manager.id)) == (1 if second == "manager" else 0)
    with app.app_context(), db.transaction() as session:
        causes = session.execute(select(SignInSession.end_cause).where(
            SignInSession.user_id == world.manager.id, SignInSession.kind == "web")).scalars().all()
    assert sorted(cause or "" for cause in causes) == sorted(["signed_out"] + ([""] if second == "manager" else []))
