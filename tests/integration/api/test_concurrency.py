"""Requests racing each other: each phone and manager gets a sensible answer and nothing is written twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Flask

from tests.helpers import assert_error
from tests.integration.api.steps import read_episode
from tests.integration.api.world import World, visit_body


def _at_once(app: Flask, requests: list[Callable[[Any], Any]]) -> list[Any]:
    """Run each request on its own thread and test client, released together; responses in order."""
    barrier = threading.Barrier(len(requests))
    responses: list[Any] = [None] * len(requests)

    def run(index: int) -> None:
        client = app.test_client()
        barrier.wait()
        responses[index] = requests[index](client)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def test_two_phones_replaying_the_same_visit_at_once_record_it_once(app: Flask, world: World) -> None:
    episode = world.open_episode()
    body = visit_body(episode["id"])
    before = world.event_count(episode["id"])

    def post(client: Any) -> Any:
        return client.post("/api/v1/visits", json=body, headers=world.worker.headers)

    responses = _at_once(app, [post, post])

    assert sorted(response.status_code for response in responses) == [200, 201]
    assert responses[0].get_json() == responses[1].get_json()
    assert world.event_count(episode["id"]) == before + 1
    assert read_episode(world, episode["id"]).get_json()["visits"] == 1


def test_a_batch_and_a_single_post_of_the_same_visit_at_once_record_it_once(app: Flask, world: World) -> None:
    episode = world.open_episode()
    body = visit_body(episode["id"])
    before = world.event_count(episode["id"])

    def single(client: Any) -> Any:
        return client.post("/api/v1/visits", json=body, headers=world.worker.headers)

    def batch(client: Any) -> Any:
        return client.post("/api/v1/visits/batch", json={"visits": [body]}, headers=world.worker.headers)

    alone, together = _at_once(app, [single, batch])

    assert sorted([alone.status_code, together.get_json()["results"][0]["status"]]) == [200, 201]
    assert together.get_json()["results"][0]["event_id"] == alone.get_json()["event_id"]
    assert world.event_count(episode["id"]) == before + 1


def test_two_managers_closing_at_once_close_the_episode_once(app: Flask, world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])
    closure = {"ended_on": str(date.today() - timedelta(days=1)), "end_need_hours_per_week": 0,
               "outcome": "no_services_declined"}

    def close(client: Any) -> Any:
        return client.post(f"/api/v1/episodes/{episode['id']}/closure", json=closure, headers=world.manager.headers)

    responses = _at_once(app, [close, close])

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409]
    assert_error(next(response for response in responses if response.status_code == 409), 409)
    assert world.event_count(episode["id"]) == before + 1
