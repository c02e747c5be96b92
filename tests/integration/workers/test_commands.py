"""Entry points: projections rebuild, the time-flag sweep, `flask worker --burst` and the cron schedule."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import delete, select

from service import create_app
from service.database import db
from service.models import EpisodeFlag, EpisodeState
from service.queue import get_queue
from tests.conftest import TEST_SETTINGS
from tests.integration.api.world import build_world, visit_body
from workers.commands import register_worker_commands
from workers.jobs import sweep_time_flags
from workers.schedule import build_scheduler


def _states(app: Flask) -> dict[uuid.UUID, dict[str, object]]:
    with app.app_context(), db.transaction() as session:
        return {row.episode_id: row.document for row in session.execute(select(EpisodeState)).scalars()}


def test_rebuild_recreates_identical_derived_state_from_the_log(app: Flask, client: FlaskClient) -> None:
    world = build_world(app, client)
    for _ in range(3):
        episode = world.open_episode()
        goal = world.set_goal(episode["id"])
        for level in (2, 4, 4):
            client.post("/api/v1/visits", json=visit_body(episode["id"], [{"goal_id": goal["id"], "level": level}]),
                        headers=world.worker.headers)
    before = _states(app)
    with app.app_context(), db.transaction() as session:
        session.execute(delete(EpisodeFlag))
        session.execute(delete(EpisodeState))
    result = app.test_cli_runner().invoke(args=["projections", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "rebuilt 3 episodes from 18 events" in result.output
    assert _states(app) == before
    flags = client.get("/api/v1/reports/flags", headers=world.manager.headers).get_json()
    assert flags["total"] == 3


def test_rebuild_in_parallel_processes_gives_the_same_state(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(app, client)
    for _ in range(4):
        episode = world.open_episode()
        goal = world.set_goal(episode["id"])
        client.post("/api/v1/visits", json=visit_body(episode["id"], [{"goal_id": goal["id"], "level": 3}]),
                    headers=world.worker.headers)
    before = _states(app)
    with app.app_context(), db.transaction() as session:
        session.execute(delete(EpisodeFlag))
        session.execute(delete(EpisodeState))
    monkeypatch.setattr("service.projections.rebuild.CHUNK", 1)  # four chunks shared by two processes on PostgreSQL
    result = app.test_cli_runner().invoke(args=["projections", "rebuild", "--processes", "2"])
    assert result.exit_code == 0, result.output
    assert "rebuilt 4 episodes from 16 events" in result.output  # opened, assigned, goal, visit
    assert _states(app) == before


def test_time_flag_sweep_raises_overdue_once_the_planned_end_has_passed(app: Flask, client: FlaskClient) -> None:
    world = build_world(app, client)
    started = date.today() - timedelta(days=20)
    episode = world.open_episode(started_on=str(started), referred_on=str(started),
                                 planned_end_on=str(date.today() - timedelta(days=1)),
                                 hospital_discharge_on=str(started))
    listed = client.get("/api/v1/episodes?flag=overdue", headers=world.manager.headers).get_json()
    assert [item["id"] for item in listed["items"]] == [episode["id"]]  # raised at the refresh after opening
    with app.app_context(), db.transaction() as session:
        session.execute(delete(EpisodeFlag))
    assert client.get("/api/v1/episodes?flag=overdue", headers=world.manager.headers).get_json()["total"] == 0
    with app.app_context():
        assert sweep_time_flags() == 1
    assert client.get("/api/v1/episodes?flag=overdue", headers=world.manager.headers).get_json()["total"] == 1


@pytest.fixture
def queued_app(database_url: str, redis_url: str) -> Iterator[Flask]:
    """The service with jobs going to RQ on the test Redis database."""
    app = register_worker_commands(create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, "REDIS_URL": redis_url}))
    yield app
    db.dispose()


def test_worker_command_drains_the_queue_in_burst_mode(queued_app: Flask) -> None:
    client = queued_app.test_client()
    world = build_world(queued_app, client)
    world.open_episode()
    assert client.get("/api/v1/health").get_json()["projection_lag"] == 2
    result = queued_app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/health").get_json()["projection_lag"] == 0


def test_cron_schedule_enqueues_json_jobs_a_worker_can_run(queued_app: Flask) -> None:
    client = queued_app.test_client()
    world = build_world(queued_app, client)
    world.open_episode()
    with queued_app.app_context():
        queue = get_queue()
        assert queue is not None
        queue.empty()  # the refresh jobs are lost, as when Redis restarts empty
        scheduler = build_scheduler(queue, queued_app.config)
        assert sorted(job.func.__name__ for job in scheduler.get_jobs() if job.func) == [
            "catch_up", "sweep_time_flags"]
        enqueued = scheduler.enqueue_jobs()  # interval jobs run at once the first time
        assert [job.func.__name__ for job in enqueued if job.func] == ["catch_up"]
        SimpleWorker([queue], connection=queue.connection, serializer=JSONSerializer).work(burst=True)
    assert client.get("/api/v1/health").get_json()["projection_lag"] == 0


def test_worker_command_refuses_to_start_without_redis(app: Flask) -> None:
    result = register_worker_commands(app).test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output
