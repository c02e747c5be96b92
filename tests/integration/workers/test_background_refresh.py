"""Derived state through real RQ workers and Redis: refresh, Redis outages, retries, concurrent refreshes."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue, SimpleWorker
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from service import create_app
from service.database import db
from service.queue import get_queue
from tests.conftest import TEST_SETTINGS
from tests.integration.api.world import World, build_world, visit_body
from tests.integration.workers.redis_server import PrivateRedis
from workers.jobs import catch_up, refresh_dirty, refresh_episode

pytestmark = pytest.mark.redis


def _queue(app: Flask) -> Queue:
    with app.app_context():
        queue = get_queue()
    assert queue is not None
    return queue


def run_worker(app: Flask) -> None:
    """Drain the queue with an in-process worker, as `flask worker --burst` does."""
    queue = _queue(app)
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection, serializer=JSONSerializer).work(burst=True)


def health(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def _post_visits(world: World, episode_id: str, goal_id: str, levels: list[int]) -> None:
    for level in levels:
        body = visit_body(episode_id, [{"goal_id": goal_id, "level": level}])
        response = world.client.post("/api/v1/visits", json=body, headers=world.worker.headers)
        assert response.status_code == 201, response.get_json()


@pytest.fixture
def queued_app(database_url: str, redis_url: str) -> Iterator[Flask]:
    """The service with jobs going to RQ on the test Redis database."""
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                      "JOB_RETRIES": 2, "JOB_RETRY_INTERVALS": [0]})
    yield app
    db.dispose()


def test_derived_state_is_refreshed_by_a_worker_after_visits_are_appended(queued_app: Flask) -> None:
    client = queued_app.test_client()
    world = build_world(queued_app, client)
    run_worker(queued_app)
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    run_worker(queued_app)
    _post_visits(world, episode["id"], goal["id"], [4, 4])
    assert health(client)["queue"] == "ok" and health(client)["projection_lag"] == 2
    run_worker(queued_app)
    assert health(client)["projection_lag"] == 0
    read = client.get(f"/api/v1/episodes/{episode['id']}", headers=world.manager.headers).get_json()
    assert read["projected_version"] == read["version"]
    flags = client.get("/api/v1/reports/flags", headers=world.manager.headers).get_json()["items"]
    assert [item["flag"] for item in flags] == ["early_completion"]


def test_visits_are_accepted_while_redis_is_down_and_derived_state_converges_after(
    database_url: str, tmp_path: Path
) -> None:
    redis = PrivateRedis(tmp_path)
    redis.start()
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, "REDIS_URL": redis.url})
    try:
        client = app.test_client()
        world = build_world(app, client)
        episode = world.open_episode()
        goal = world.set_goal(episode["id"])
        run_worker(app)
        redis.stop()
        _post_visits(world, episode["id"], goal["id"], [2, 3, 3])
        status = health(client)
        assert status["queue"] == "down" and status["projection_lag"] == 3
        redis.start()  # a fresh, empty Redis: the refresh jobs of those visits are lost
        with app.app_context():
            assert catch_up() == 1
        run_worker(app)
        assert health(client)["projection_lag"] == 0
        read = client.get(f"/api/v1/episodes/{episode['id']}", headers=world.manager.headers).get_json()
        assert read["visits"] == 3 and read["goals"][0]["current_level"] == 3
    finally:
        redis.stop()
        db.dispose()


def test_a_failing_refresh_is_retried_then_lands_in_the_failed_registry(
    queued_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = queued_app.test_client()
    world = build_world(queued_app, client)
    episode = world.open_episode()
    calls: list[str] = []

    def broken(*_: Any, **__: Any) -> None:
        calls.append("called")
        raise RuntimeError("projection bug")

    monkeypatch.setattr("service.projections.refresh.refresh_episodes", broken)
    run_worker(queued_app)
    queue = _queue(queued_app)
    failed = FailedJobRegistry(queue=queue)
    assert len(calls) == 3  # the first run and JOB_RETRIES=2 retries
    assert failed.count == 1
    # Opened + assigned, never projected: the catch-up sweep will try again.
    assert health(client)["projection_lag"] == 2
    assert client.get(f"/api/v1/episodes/{episode['id']}", headers=world.manager.headers).get_json()[
        "projected_version"] == 0


def test_concurrent_refreshes_of_one_episode_never_move_derived_state_backwards(
    app: Flask, client: FlaskClient
) -> None:
    world = build_world(app, client)
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    seen: list[list[int]] = [[], []]
    stop = threading.Event()
    errors: list[BaseException] = []

    def refresher(index: int) -> None:
        from sqlalchemy import select

        from service.models import EpisodeState

        try:
            while not stop.is_set():
                with app.app_context():
                    refresh_episode(episode["id"])
                    with db.transaction() as session:
                        seen[index].append(session.execute(select(EpisodeState.projected_version).where(
                            EpisodeState.episode_id == uuid.UUID(episode["id"]))).scalar_one())
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=refresher, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    try:
        _post_visits(world, episode["id"], goal["id"], [1, 2, 3, 4, 5, 5])
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    for observed in seen:
        assert observed == sorted(observed)
    read = client.get(f"/api/v1/episodes/{episode['id']}", headers=world.manager.headers).get_json()
    assert read["projected_version"] == read["version"]


def _wait_for(condition: Any, seconds: float, what: str) -> None:
    """Poll `condition` until true (bounded)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_lingering_refresh_job_refreshes_visits_that_arrive_while_it_runs(database_url: str, redis_url: str) -> None:
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                      "REFRESH_LINGER_SECONDS": 5})
    try:
        client = app.test_client()
        world = build_world(app, client)
        episode = world.open_episode()
        goal = world.set_goal(episode["id"])
        queue = _queue(app)
        assert queue.count == 1  # one refresh_dirty job for all of that (the flag coalesced the rest)
        queue.empty()

        def job() -> None:  # what the worker runs for that job (RQ's worker needs the main thread)
            with app.app_context():
                refresh_dirty()

        running = threading.Thread(target=job, daemon=True)
        running.start()
        _wait_for(lambda: health(client)["projection_lag"] == 0, 30, "the first refresh")
        assert running.is_alive()  # the job lingers, looking for more work
        _post_visits(world, episode["id"], goal["id"], [3])
        assert queue.count == 0  # no new job was enqueued: the running one takes the visit
        _wait_for(lambda: health(client)["projection_lag"] == 0, 30, "the lingering job to refresh the visit")
        assert running.is_alive()
        running.join(timeout=60)
        assert not running.is_alive()
        _post_visits(world, episode["id"], goal["id"], [4])  # the job is over: this visit enqueues a new one
        assert queue.count == 1
    finally:
        db.dispose()
