"""The per-process token cache: its stated revocation delay, sign-out at once, never past a token's expiry."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from service.auth.token_cache import TokenCache
from service.database import db
from service.models import AccessToken, SignInSession, utcnow
from tests.helpers import PASSWORD, assert_error, headers_for, make_user, sign_in, username_of
from tests.integration.api.world import World

PROVIDERS = "/api/v1/providers"


class FakeClock:
    """Monotonic seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _cache(app: Flask, seconds: float) -> FakeClock:
    clock = FakeClock()
    app.extensions["token_cache"] = TokenCache(seconds, clock=clock)
    return clock


def _revoke_in_database(app: Flask) -> None:
    """What another API process's sign-out (or an operator) does: only the database changes."""
    with app.app_context(), db.transaction() as session:
        session.execute(update(SignInSession).values(ended_at=utcnow(), end_cause="signed_out"))
        session.execute(update(AccessToken).values(revoked_at=utcnow()))


def test_a_token_revoked_elsewhere_stops_working_within_the_stated_delay(app: Flask, client: FlaskClient) -> None:
    delay = float(app.config["TOKEN_CACHE_SECONDS"])
    assert delay == 10
    clock = _cache(app, delay)
    headers = headers_for(app, client, "admin")
    assert client.get(PROVIDERS, headers=headers).status_code == 200  # checked and cached
    _revoke_in_database(app)
    clock.now += delay - 0.5
    assert client.get(PROVIDERS, headers=headers).status_code == 200  # still trusted inside the delay
    clock.now += 0.5
    assert_error(client.get(PROVIDERS, headers=headers), 401)
    clock.now += 3600
    assert_error(client.get(PROVIDERS, headers=headers), 401)


def test_signing_out_takes_effect_at_once_in_this_process(app: Flask, client: FlaskClient) -> None:
    _cache(app, 3600)
    headers = headers_for(app, client, "admin")
    assert client.get(PROVIDERS, headers=headers).status_code == 200
    assert client.post("/api/v1/auth/revoke", headers=headers).status_code == 204
    assert_error(client.get(PROVIDERS, headers=headers), 401)


def test_a_cached_token_is_never_trusted_past_its_own_expiry(app: Flask, client: FlaskClient) -> None:
    _cache(app, 3600)
    headers = headers_for(app, client, "admin")
    assert client.get(PROVIDERS, headers=headers).status_code == 200
    # The token reaches its expiry (as if issued long ago): in the database and in the cached copy of expires_at.
    expired = utcnow() - timedelta(seconds=1)
    with app.app_context(), db.transaction() as session:
        session.execute(update(AccessToken).values(expires_at=expired))
    cache = app.extensions["token_cache"]
    for digest, entry in list(cache._entries.items()):
        cache._entries[digest] = entry.__class__(entry.caller, entry.trusted_until, expired)
    assert_error(client.get(PROVIDERS, headers=headers), 401)


def test_with_the_cache_off_a_revocation_in_the_database_is_seen_by_the_next_request(
        app: Flask, client: FlaskClient) -> None:
    _cache(app, 0)
    headers = headers_for(app, client, "admin")
    assert client.get(PROVIDERS, headers=headers).status_code == 200
    _revoke_in_database(app)
    assert_error(client.get(PROVIDERS, headers=headers), 401)


def test_a_cached_user_is_a_usable_instance_of_each_request_session(app: Flask, world: World) -> None:
    _cache(app, 3600)
    opened = {world.open_episode()["id"] for _ in range(3)}  # the token was checked at sign-in's first use
    assert len(opened) == 3
    episode = next(iter(opened))
    goal = world.set_goal(episode)
    visit = {"id": str(uuid.uuid4()), "episode_id": episode, "occurred_at": utcnow().isoformat(),
             "duration_minutes": 30, "carers": 1, "goal_progress": [{"goal_id": goal["id"], "level": 2}]}
    for status in (201, 200):  # the worker's cached user records, then replays
        assert world.client.post("/api/v1/visits", json=visit, headers=world.worker.headers).status_code == status


def test_deactivating_a_user_here_stops_their_cached_token_at_once(app: Flask, client: FlaskClient) -> None:
    _cache(app, 3600)
    admin = headers_for(app, client, "admin")
    user_id = make_user(app, "commissioner")
    commissioner = sign_in(client, username_of(app, user_id))
    report = "/api/v1/reports/effectiveness?from=2026-01-01&to=2026-03-31"
    assert client.get(report, headers=commissioner).status_code == 200  # checked and cached
    assert client.patch(f"/api/v1/users/{user_id}", json={"active": False}, headers=admin).status_code == 200
    assert_error(client.get(report, headers=commissioner), 401)


def test_refresh_token_reuse_ends_the_session_at_once_in_this_process(app: Flask, client: FlaskClient) -> None:
    _cache(app, 3600)
    user_id = make_user(app, "commissioner")
    signed_in = client.post("/api/v1/auth/token", json={"username": username_of(app, user_id),
                                                        "password": PASSWORD}).get_json()
    report = "/api/v1/reports/effectiveness?from=2026-01-01&to=2026-03-31"
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": signed_in["refresh_token"]}).get_json()
    # The phone uses its replacement, so the first token coming back is a stolen copy, not a retry after a lost answer.
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": renewed["refresh_token"]}).get_json()
    headers = {"Authorization": f"Bearer {again['access_token']}"}
    assert client.get(report, headers=headers).status_code == 200  # checked and cached
    stolen = client.post("/api/v1/auth/refresh", json={"refresh_token": signed_in["refresh_token"]})
    assert_error(stolen, 401)
    assert_error(client.get(report, headers=headers), 401)
