"""POST /visits/batch: each visit judged alone, results in order, nothing half-recorded."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from service.visits import recording
from tests.helpers import assert_error
from tests.integration.api.steps import close, noon_on, post_batch, post_visit, read_episode
from tests.integration.api.world import World, visit_body


def test_mixed_batch_gets_what_the_single_endpoint_would_give_each_visit_in_order(world: World) -> None:
    episode, closed = world.open_episode(), world.open_episode()
    goal = world.set_goal(episode["id"])
    ended_on = date.today() - timedelta(days=2)
    assert close(world, closed["id"], ended_on=str(ended_on)).status_code == 200
    earlier = visit_body(episode["id"])
    original = post_visit(world, earlier).get_json()
    new = visit_body(episode["id"], [{"goal_id": goal["id"], "level": 2}])
    naive = visit_body(episode["id"], occurred_at=datetime.now().replace(microsecond=0).isoformat())
    unknown_episode = visit_body(str(uuid.uuid4()))
    after_the_end = visit_body(closed["id"], occurred_at=noon_on(ended_on + timedelta(days=1)))
    reused_id = {**earlier, "duration_minutes": 90}
    closed_before = world.event_count(closed["id"])

    response = post_batch(world, [new, naive, unknown_episode, after_the_end, earlier, reused_id])

    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [result["id"] for result in results] == [new["id"], naive["id"], unknown_episode["id"],
                                                    after_the_end["id"], earlier["id"], earlier["id"]]
    assert [result["status"] for result in results] == [201, 422, 404, 409, 200, 409]
    assert "occurred_at" in results[1]["errors"]
    assert "episode_id" in results[2]["errors"]
    assert "occurred_at" in results[3]["errors"]
    assert "id" in results[5]["errors"]
    assert results[4]["event_id"] == original["event_id"]
    assert all("event_id" not in result for result in results[1:4] + results[5:])
    for body, result in zip([naive, unknown_episode, after_the_end, reused_id], results[1:4] + results[5:],
                            strict=True):
        assert post_visit(world, body).status_code == result["status"]
    assert post_visit(world, new).get_json()["event_id"] == results[0]["event_id"]
    assert read_episode(world, episode["id"]).get_json()["visits"] == 2
    assert world.event_count(closed["id"]) == closed_before


def test_batch_holding_the_same_visit_twice_records_it_once(world: World) -> None:
    episode = world.open_episode()
    body = visit_body(episode["id"])
    before = world.event_count(episode["id"])

    response = post_batch(world, [body, body])

    results = response.get_json()["results"]
    assert [result["status"] for result in results] == [201, 200]
    assert results[0]["event_id"] == results[1]["event_id"]
    assert world.event_count(episode["id"]) == before + 1


@pytest.mark.parametrize("size", [0, 501])
def test_batch_of_no_visits_or_more_than_500_is_refused(world: World, size: int) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])

    response = post_batch(world, [visit_body(episode["id"]) for _ in range(size)])

    assert_error(response, 422, "visits")
    assert world.event_count(episode["id"]) == before


def test_batch_body_that_is_not_a_list_of_visits_is_refused(world: World) -> None:
    for body in [{}, {"visits": None}, {"visits": "all"}, {"visits": [], "extra": 1}]:
        response = world.client.post("/api/v1/visits/batch", json=body, headers=world.worker.headers)
        assert_error(response, 422)
    malformed = world.client.post("/api/v1/visits/batch", data='{"visits": [', content_type="application/json",
                                  headers=world.worker.headers)
    assert_error(malformed, 400)


def test_items_that_are_not_visit_objects_are_refused_one_by_one(world: World) -> None:
    episode = world.open_episode()
    good = visit_body(episode["id"])

    response = post_batch(world, [42, "visit", None, [good], {"id": "x"}, good])

    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [result["status"] for result in results] == [422, 422, 422, 422, 422, 201]
    assert results[4]["id"] == "x" and "id" in results[4]["errors"]
    assert read_episode(world, episode["id"]).get_json()["visits"] == 1


def test_five_megabyte_batch_is_too_large(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])
    visits = [visit_body(episode["id"], note="x" * 4000) for _ in range(1300)]

    response = world.client.post("/api/v1/visits/batch", data=json.dumps({"visits": visits}),
                                 content_type="application/json", headers=world.worker.headers)

    assert_error(response, 413)
    assert world.event_count(episode["id"]) == before


def test_batch_that_fails_half_way_records_nothing_and_its_retry_records_each_visit_once(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    episode, other = world.open_episode(), world.open_episode()
    visits = [visit_body(episode["id"]), visit_body(other["id"]), visit_body(episode["id"]),
              visit_body(other["id"])]
    before = {episode["id"]: world.event_count(episode["id"]), other["id"]: world.event_count(other["id"])}
    real_check = recording.check_visit
    calls = []

    def connection_drops_on_the_third(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise OperationalError("x", {}, Exception("connection dropped"))
        real_check(*args, **kwargs)

    monkeypatch.setattr(recording, "check_visit", connection_drops_on_the_third)
    failed = post_batch(world, visits)
    monkeypatch.undo()

    assert_error(failed, 503)
    assert {key: world.event_count(key) for key in before} == before
    retry = post_batch(world, visits)
    assert [result["status"] for result in retry.get_json()["results"]] == [201, 201, 201, 201]
    assert world.event_count(episode["id"]) == before[episode["id"]] + 2
    assert world.event_count(other["id"]) == before[other["id"]] + 2
    again = post_batch(world, visits).get_json()["results"]
    assert [result["status"] for result in again] == [200, 200, 200, 200]
    assert [result["event_id"] for result in again] == [result["event_id"] for result in retry.get_json()["results"]]
