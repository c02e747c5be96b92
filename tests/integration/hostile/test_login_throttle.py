"""Item 8: the sign-in throttle counts each attempt atomically, so concurrent guesses cannot overshoot it."""

from __future__ import annotations

import threading
from collections import Counter

from flask import Flask

from tests.helpers import PASSWORD, assert_error, make_provider, make_user, username_of

GUESSES = 30


def test_thirty_concurrent_wrong_passwords_get_exactly_five_401s(app: Flask) -> None:
    username = username_of(app, make_user(app, "manager", make_provider(app)))
    limit = app.config["LOGIN_MAX_FAILURES"]
    start = threading.Barrier(GUESSES)
    statuses: list[int] = []

    def guess() -> None:
        client = app.test_client()
        start.wait()
        response = client.post("/api/v1/auth/token", json={"username": username, "password": "wrong password!"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess) for _ in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Counter(statuses) == {401: limit, 429: GUESSES - limit}


def test_the_429_says_when_to_retry(app: Flask) -> None:
    username = username_of(app, make_user(app, "manager", make_provider(app)))
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/api/v1/auth/token", json={"username": username, "password": "nope"}).status_code == 401
    refused = client.post("/api/v1/auth/token", json={"username": username, "password": "nope"})
    assert_error(refused, 429)
    window = app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    assert 0 < int(refused.headers["Retry-After"]) <= window


def test_a_successful_sign_in_does_not_count_as_a_failure(app: Flask) -> None:
    username = username_of(app, make_user(app, "manager", make_provider(app)))
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 3):
        response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/api/v1/auth/token", json={"username": username, "password": "nope"}).status_code == 401
