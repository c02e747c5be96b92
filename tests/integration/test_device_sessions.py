"""Device sessions over the API: refresh tokens, reuse detection, revoking, listing, deactivation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.auth.sessions import digest
from service.config import load_settings
from service.database import db
from service.models import AccessToken, RefreshToken, SignInSession, utcnow
from tests.helpers import PASSWORD, assert_error, username_of
from tests.integration.api.world import World, visit_body

TOKEN_URL = "/api/v1/auth/token"
REFRESH_URL = "/api/v1/auth/refresh"
PHONE = {"User-Agent": "WorkerApp/2.1 (Android 14; Pixel 7)"}


def device_sign_in(client: FlaskClient, username: str, user_agent: str = PHONE["User-Agent"]) -> dict[str, Any]:
    """Sign in as a phone would; returns the token body."""
    response = client.post(TOKEN_URL, json={"username": username, "password": PASSWORD},
                           headers={"User-Agent": user_agent})
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def bearer(body: dict[str, Any]) -> dict[str, str]:
    """Authorization headers for a token body."""
    return {"Authorization": f"Bearer {body['access_token']}"}


def refresh(client: FlaskClient, refresh_token: str) -> Any:
    """POST /auth/refresh."""
    return client.post(REFRESH_URL, json={"refresh_token": refresh_token}, headers=PHONE)


def works(client: FlaskClient, headers: dict[str, str]) -> bool:
    """Whether the access token is accepted (the worker's caseload or the providers list)."""
    status = client.get("/api/v1/providers", headers=headers).status_code
    assert status in (200, 401), status
    return status == 200


def test_sign_in_returns_expiry_as_a_time_and_a_refresh_token_for_thirty_days(app: Flask, world: World) -> None:
    client = world.client
    before = datetime.now(UTC)

    body = device_sign_in(client, username_of(app, world.worker.id))

    assert set(body) == {"access_token", "token_type", "expires_in", "expires_at", "refresh_token",
                         "refresh_expires_in", "user"}
    assert body["token_type"] == "Bearer" and 0 < body["expires_in"] <= 12 * 3600
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.utcoffset() == timedelta(0)
    assert abs(expires_at - (before + timedelta(seconds=body["expires_in"]))) < timedelta(seconds=5)
    assert abs(body["refresh_expires_in"] - 30 * 24 * 3600) <= 5
    assert len(body["refresh_token"]) > 30 and body["refresh_token"] != body["access_token"]


def test_refresh_gives_a_new_pair_and_spends_the_old_refresh_token(app: Flask, world: World) -> None:
    client = world.client
    first = device_sign_in(client, username_of(app, world.worker.id))

    response = refresh(client, first["refresh_token"])

    assert response.status_code == 200, response.get_json()
    second = response.get_json()
    assert set(second) == set(first) and second["user"] == first["user"]
    assert second["access_token"] != first["access_token"] and second["refresh_token"] != first["refresh_token"]
    assert works(client, bearer(second))
    third = refresh(client, second["refresh_token"])
    assert third.status_code == 200 and works(client, bearer(third.get_json()))


def test_a_spent_refresh_token_presented_again_ends_the_whole_session(app: Flask, world: World) -> None:
    client = world.client
    stolen = device_sign_in(client, username_of(app, world.worker.id))
    renewed = refresh(client, stolen["refresh_token"]).get_json()  # the real phone refreshed first
    renewed = refresh(client, renewed["refresh_token"]).get_json()  # ... and again: its replacement has been used

    reuse = refresh(client, stolen["refresh_token"])  # the thief's copy, within the grace period

    body = assert_error(reuse, 401, "refresh_token", reason="refresh_token_reused")
    assert "already used" in body["message"]
    # Everything of that session is dead: the phone's current access token and its current refresh token.
    assert_error(client.get("/api/v1/providers", headers=bearer(renewed)), 401, reason="token_revoked")
    assert_error(refresh(client, renewed["refresh_token"]), 401, "refresh_token", reason="token_revoked")
    # Other sessions of the same worker are untouched.
    assert works(client, world.worker.headers)
    with app.app_context(), db.transaction() as session:
        causes = session.execute(select(SignInSession.end_cause).where(SignInSession.user_id == world.worker.id)
                                 ).scalars().all()
    assert sorted(cause or "" for cause in causes) == ["", "refresh_token_reused"]


def _session_end_causes(app: Flask, world: World) -> list[str]:
    with app.app_context(), db.transaction() as session:
        causes = session.execute(select(SignInSession.end_cause).where(SignInSession.user_id == world.worker.id)
                                 ).scalars().all()
    return sorted(cause or "" for cause in causes)


def test_a_phone_that_lost_the_refresh_answer_retries_with_the_spent_token_and_stays_signed_in(
        app: Flask, world: World) -> None:
    client = world.client
    phone = device_sign_in(client, username_of(app, world.worker.id))
    lost = refresh(client, phone["refresh_token"])  # the server committed, the answer never reached the phone
    assert lost.status_code == 200

    retried = refresh(client, phone["refresh_token"])

    assert retried.status_code == 200, retried.get_json()
    pair = retried.get_json()
    assert pair["refresh_token"] not in (phone["refresh_token"], lost.get_json()["refresh_token"])
    assert works(client, bearer(pair))
    onwards = refresh(client, pair["refresh_token"])  # the session carries on as normal
    assert onwards.status_code == 200 and works(client, bearer(onwards.get_json()))
    assert _session_end_causes(app, world) == ["", ""]
    with app.app_context(), db.transaction() as session:  # the lost replacement was spent by the retry
        first = session.execute(select(RefreshToken).where(RefreshToken.token_hash == digest(phone["refresh_token"]))
                                ).scalar_one()
        tokens = session.execute(select(RefreshToken).where(RefreshToken.session_id == first.session_id)
                                 .order_by(RefreshToken.id)).scalars().all()
    assert [token.spent_at is not None for token in tokens] == [True, True, True, False]
    assert [token.replaced_by_id for token in tokens] == [tokens[1].id, tokens[2].id, tokens[3].id, None]


def test_a_spent_refresh_token_presented_after_the_grace_period_ends_the_session(app: Flask, world: World) -> None:
    client = world.client
    phone = device_sign_in(client, username_of(app, world.worker.id))
    assert refresh(client, phone["refresh_token"]).status_code == 200
    with app.app_context(), db.transaction() as session:  # 61 s later (the grace period is 60 s)
        session.execute(update(RefreshToken).where(RefreshToken.spent_at.is_not(None))
                        .values(spent_at=utcnow() - timedelta(seconds=61)))

    assert_error(refresh(client, phone["refresh_token"]), 401, "refresh_token", reason="refresh_token_reused")

    assert _session_end_causes(app, world) == ["", "refresh_token_reused"]


def test_a_thief_retrying_within_the_grace_period_is_caught_when_the_real_phone_refreshes_next(
        app: Flask, world: World) -> None:
    client = world.client
    stolen = device_sign_in(client, username_of(app, world.worker.id))
    real = refresh(client, stolen["refresh_token"]).get_json()  # the real phone refreshed and kept its pair
    thief = refresh(client, stolen["refresh_token"])  # within the grace period, replacement unused: looks like a retry
    assert thief.status_code == 200
    with app.app_context(), db.transaction() as session:  # the real phone's next refresh comes later
        session.execute(update(RefreshToken).where(RefreshToken.spent_at.is_not(None))
                        .values(spent_at=utcnow() - timedelta(seconds=61)))

    assert_error(refresh(client, real["refresh_token"]), 401, "refresh_token", reason="refresh_token_reused")

    assert not works(client, bearer(thief.get_json()))  # the thief's pair died with the session
    assert_error(refresh(client, thief.get_json()["refresh_token"]), 401, "refresh_token", reason="token_revoked")


def test_unknown_and_expired_refresh_tokens_are_refused(app: Flask, world: World) -> None:
    client = world.client
    body = device_sign_in(client, username_of(app, world.worker.id))
    assert_error(refresh(client, "not-a-refresh-token"), 401, "refresh_token", reason="refresh_token_invalid")
    assert_error(client.post(REFRESH_URL, json={}), 422, "refresh_token")
    assert_error(client.post(REFRESH_URL, json={"refresh_token": body["refresh_token"], "extra": 1}), 422, "extra")
    with app.app_context(), db.transaction() as session:
        session.execute(update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1)))

    expired = assert_error(refresh(client, body["refresh_token"]), 401, "refresh_token",
                           reason="refresh_token_expired")

    assert "expired" in expired["message"]


def test_a_phone_offline_past_its_access_token_refreshes_and_its_queued_visits_sync(app: Flask, world: World) -> None:
    client = world.client
    episode = world.open_episode()
    phone = device_sign_in(client, username_of(app, world.worker.id))
    queued = [visit_body(episode["id"], occurred_at=(datetime.now(UTC) - timedelta(days=days)).isoformat())
              for days in (3, 2, 1)]
    with app.app_context(), db.transaction() as session:  # three days offline: the access token has expired
        session.execute(update(AccessToken).values(expires_at=utcnow() - timedelta(days=2)))
    expired = assert_error(client.post("/api/v1/visits/batch", json={"visits": queued}, headers=bearer(phone)), 401,
                           reason="token_expired")
    assert "expired" in expired["message"]

    renewed = refresh(client, phone["refresh_token"])
    synced = client.post("/api/v1/visits/batch", json={"visits": queued}, headers=bearer(renewed.get_json()))

    assert renewed.status_code == 200
    assert [result["status"] for result in synced.get_json()["results"]] == [201, 201, 201]


def test_revoke_ends_the_session_of_the_presented_token(app: Flask, world: World) -> None:
    client = world.client
    phone = device_sign_in(client, username_of(app, world.worker.id))

    assert client.post("/api/v1/auth/revoke", headers=bearer(phone)).status_code == 204

    revoked = assert_error(client.get("/api/v1/me/caseload", headers=bearer(phone)), 401, reason="token_revoked")
    assert "ended" in revoked["message"]
    assert_error(refresh(client, phone["refresh_token"]), 401, "refresh_token")
    assert works(client, world.worker.headers)  # the worker's other session goes on


def test_refresh_tokens_and_access_tokens_are_stored_only_as_hashes(app: Flask, world: World) -> None:
    phone = device_sign_in(world.client, username_of(app, world.worker.id))
    renewed = refresh(world.client, phone["refresh_token"]).get_json()
    with app.app_context(), db.transaction() as session:
        stored = set(session.execute(select(RefreshToken.token_hash)).scalars())
        stored |= set(session.execute(select(AccessToken.token_hash)).scalars())
    for body in (phone, renewed):
        assert body["refresh_token"] not in stored and body["access_token"] not in stored
    assert all(len(value) == 64 for value in stored)


def sessions_of(client: FlaskClient, user_id: object, headers: dict[str, str]) -> Any:
    """GET /users/{id}/sessions."""
    return client.get(f"/api/v1/users/{user_id}/sessions", headers=headers)


def test_a_session_records_when_it_was_created_and_last_used_and_the_user_agent(app: Flask, world: World) -> None:
    client = world.client
    phone = device_sign_in(client, username_of(app, world.worker.id), user_agent="WorkerApp/2.1\x00 (iOS 18)")
    with app.app_context(), db.transaction() as session:  # an hour without use
        session.execute(update(SignInSession).values(created_at=utcnow() - timedelta(hours=1),
                                                     last_used_at=utcnow() - timedelta(hours=1)))
    assert client.get("/api/v1/me/caseload", headers=bearer(phone)).status_code == 200

    listing = sessions_of(client, world.worker.id, world.admin.headers)

    assert listing.status_code == 200
    items = listing.get_json()["items"]
    assert len(items) == 2  # the world's sign-in and this phone
    mine = next(item for item in items if item["user_agent"] == "WorkerApp/2.1 (iOS 18)")  # NUL removed
    assert mine["kind"] == "device" and mine["current"] is False
    created, used = datetime.fromisoformat(mine["created_at"]), datetime.fromisoformat(mine["last_used_at"])
    assert created < datetime.now(UTC) - timedelta(minutes=59) and used > datetime.now(UTC) - timedelta(minutes=1)
    assert items[0] == mine  # most recently used first


def test_a_manager_revokes_a_lost_phone_of_their_own_worker(app: Flask, world: World) -> None:
    client = world.client
    lost = device_sign_in(client, username_of(app, world.worker.id), user_agent="Lost phone")
    listing = sessions_of(client, world.worker.id, world.manager.headers).get_json()["items"]
    lost_id = next(item["id"] for item in listing if item["user_agent"] == "Lost phone")

    response = client.delete(f"/api/v1/users/{world.worker.id}/sessions/{lost_id}", headers=world.manager.headers)

    assert response.status_code == 204
    assert not works(client, bearer(lost))
    assert_error(refresh(client, lost["refresh_token"]), 401, "refresh_token")
    assert works(client, world.worker.headers)
    remaining = sessions_of(client, world.worker.id, world.manager.headers).get_json()
    assert remaining["total"] == 1 and lost_id not in {item["id"] for item in remaining["items"]}


def test_only_admins_and_the_workers_own_managers_see_or_end_sessions(app: Flask, world: World) -> None:
    client = world.client
    worker_session = sessions_of(client, world.worker.id, world.admin.headers).get_json()["items"][0]["id"]
    delete_url = f"/api/v1/users/{world.worker.id}/sessions/{worker_session}"
    # Another provider's manager, and managers looking at managers, learn nothing: 404.
    assert_error(sessions_of(client, world.worker.id, world.other_manager.headers), 404)
    assert_error(client.delete(delete_url, headers=world.other_manager.headers), 404)
    assert_error(sessions_of(client, world.other_manager.id, world.manager.headers), 404)
    # Roles that never manage sessions: 403.
    for actor in (world.worker, world.second_worker, world.commissioner):
        assert_error(sessions_of(client, world.worker.id, actor.headers), 403)
        assert_error(client.delete(delete_url, headers=actor.headers), 403)
    # A session id of someone else, under this worker's URL, is not found.
    other_session = sessions_of(client, world.second_worker.id, world.admin.headers).get_json()["items"][0]["id"]
    assert_error(client.delete(f"/api/v1/users/{world.worker.id}/sessions/{other_session}",
                               headers=world.admin.headers), 404)
    assert works(client, world.worker.headers) and works(client, world.second_worker.headers)
    # The admin's own listing marks the session the request came from.
    own = sessions_of(client, world.admin.id, world.admin.headers).get_json()["items"]
    assert [item["current"] for item in own] == [True]


def patch_user(client: FlaskClient, user_id: object, body: dict[str, Any], headers: dict[str, str]) -> Any:
    """PATCH /users/{id}."""
    return client.patch(f"/api/v1/users/{user_id}", json=body, headers=headers)


def test_deactivating_a_user_ends_every_session_and_refuses_sign_in(app: Flask, world: World) -> None:
    client = world.client
    username = username_of(app, world.worker.id)
    phone = device_sign_in(client, username)

    response = patch_user(client, world.worker.id, {"active": False}, world.admin.headers)

    assert response.status_code == 200 and response.get_json()["active"] is False
    assert not works(client, world.worker.headers)
    assert_error(refresh(client, phone["refresh_token"]), 401, "refresh_token", reason="account_deactivated")
    refused = assert_error(client.post(TOKEN_URL, json={"username": username, "password": PASSWORD}), 401,
                           reason="account_deactivated")
    assert "deactivated" in refused["message"]
    assert_error(client.get("/api/v1/providers", headers=bearer(phone)), 401, reason="account_deactivated")
    assert sessions_of(client, world.worker.id, world.admin.headers).get_json()["total"] == 0
    # Reactivated, they sign in again with their password; no old session comes back.
    assert patch_user(client, world.worker.id, {"active": True}, world.admin.headers).get_json()["active"] is True
    assert works(client, bearer(device_sign_in(client, username))) and not works(client, bearer(phone))


def test_resetting_a_password_ends_every_session(app: Flask, world: World) -> None:
    client = world.client
    username = username_of(app, world.worker.id)
    phone = device_sign_in(client, username)

    response = patch_user(client, world.worker.id, {"password": "a brand new passphrase"}, world.admin.headers)

    assert response.status_code == 200
    assert not works(client, world.worker.headers) and not works(client, bearer(phone))
    assert_error(client.post(TOKEN_URL, json={"username": username, "password": PASSWORD}), 401)
    assert client.post(TOKEN_URL, json={"username": username, "password": "a brand new passphrase"}).status_code == 200
    assert_error(patch_user(client, world.worker.id, {"password": "short"}, world.admin.headers), 422, "password")


def test_user_changes_are_for_admins_only_and_checked(app: Flask, world: World) -> None:
    client = world.client
    assert_error(patch_user(client, world.worker.id, {"active": False}, world.manager.headers), 403)
    assert_error(patch_user(client, world.worker.id, {"active": "nope"}, world.admin.headers), 422, "active")
    assert_error(patch_user(client, world.worker.id, {"role": "admin"}, world.admin.headers), 422, "role")
    assert_error(patch_user(client, world.admin.id, {"active": False}, world.admin.headers), 409, "active")
    missing = "00000000-0000-4000-8000-000000000000"
    assert_error(patch_user(client, missing, {"active": False}, world.admin.headers), 404)
    assert works(client, world.worker.headers)


@pytest.mark.parametrize("name, value", [("TOKEN_TTL_SECONDS", 12 * 3600 + 1), ("TOKEN_TTL_SECONDS", 0),
                                         ("REFRESH_TOKEN_TTL_SECONDS", 60)])
def test_access_tokens_cannot_be_configured_beyond_twelve_hours(name: str, value: int) -> None:
    with pytest.raises(RuntimeError, match=name):
        load_settings({name: value})


def test_two_refreshes_with_one_token_at_once_cannot_both_continue(app: Flask, world: World) -> None:
    from tests.integration.api.test_concurrency import _at_once

    phone = device_sign_in(world.client, username_of(app, world.worker.id))

    responses = _at_once(app, [lambda client: refresh(client, phone["refresh_token"])] * 2)

    # They take turns: the second finds the token spent with an unused replacement, as a phone retrying a lost
    # answer would, so both get a pair, and the first pair's refresh token is spent by the second.
    assert [response.status_code for response in responses] == [200, 200]
    with app.app_context(), db.transaction() as session:  # the next refreshes come after the grace period
        session.execute(update(RefreshToken).where(RefreshToken.spent_at.is_not(None))
                        .values(spent_at=utcnow() - timedelta(seconds=61)))

    reasons = [refresh(world.client, response.get_json()["refresh_token"]).get_json().get("reason")
               for response in responses]

    assert "refresh_token_reused" in reasons  # one token, two holders: the session ends
    assert not any(works(world.client, bearer(response.get_json())) for response in responses)
