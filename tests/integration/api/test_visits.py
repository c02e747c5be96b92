"""POST /visits: API.md's visit rules, idempotency by the phone's id, and what reaches the episode."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.helpers import assert_error
from tests.integration.api.steps import close, noon_on, post_batch, post_visit, read_episode
from tests.integration.api.world import World, visit_body


def test_visit_is_recorded_with_a_receipt_and_counted_on_the_episode(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    body = visit_body(episode["id"], [{"goal_id": goal["id"], "level": 3, "note": "Made tea with prompting"}])

    response = post_visit(world, body)

    assert response.status_code == 201, response.get_json()
    receipt = response.get_json()
    assert set(receipt) == {"id", "episode_id", "event_id", "received_at"}
    assert receipt["id"] == body["id"] and receipt["episode_id"] == episode["id"]
    shown = read_episode(world, episode["id"]).get_json()
    assert shown["visits"] == 1 and shown["contact_minutes"] == 45
    assert shown["goals"][0]["current_level"] == 3
    assert world.event_count(episode["id"]) == episode["version"] + 2


def test_visit_without_any_goal_assessed_is_accepted(world: World) -> None:
    episode = world.open_episode()
    world.set_goal(episode["id"])

    response = post_visit(world, visit_body(episode["id"], goal_progress=[]))

    assert response.status_code == 201, response.get_json()
    assert read_episode(world, episode["id"]).get_json()["visits"] == 1


def test_replayed_visit_is_not_recorded_twice_and_gets_the_original_body(world: World) -> None:
    episode = world.open_episode()
    occurred = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    body = visit_body(episode["id"], occurred_at=occurred.isoformat())
    first = post_visit(world, body)
    before = world.event_count(episode["id"])

    replay = post_visit(world, body)
    same_instant_written_with_z = post_visit(world, {**body, "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M:%SZ")})

    assert first.status_code == 201
    assert replay.status_code == 200 and replay.get_json() == first.get_json()
    assert same_instant_written_with_z.status_code == 200
    assert same_instant_written_with_z.get_json() == first.get_json()
    assert world.event_count(episode["id"]) == before
    assert read_episode(world, episode["id"]).get_json()["visits"] == 1


def test_same_visit_id_with_different_content_is_a_conflict(world: World) -> None:
    episode, other = world.open_episode(), world.open_episode()
    body = visit_body(episode["id"])
    post_visit(world, body)
    before, other_before = world.event_count(episode["id"]), world.event_count(other["id"])

    changed = post_visit(world, {**body, "duration_minutes": 60})
    moved = post_visit(world, {**body, "episode_id": other["id"]})

    assert_error(changed, 409, "id")
    assert_error(moved, 409, "id")
    assert world.event_count(episode["id"]) == before
    assert world.event_count(other["id"]) == other_before


def test_replay_is_answered_even_after_the_episode_closed(world: World) -> None:
    episode = world.open_episode()
    body = visit_body(episode["id"])
    first = post_visit(world, body)
    assert close(world, episode["id"]).status_code == 200

    replay = post_visit(world, body)

    assert replay.status_code == 200 and replay.get_json() == first.get_json()


def test_timestamp_without_an_offset_is_refused(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])

    for occurred_at in ["2026-11-20T09:30:00", (datetime.now() - timedelta(hours=1)).isoformat(),
                        "20/11/2026 09:30", "yesterday", "", 1763631000]:
        response = post_visit(world, visit_body(episode["id"], occurred_at=occurred_at))
        assert_error(response, 422, "occurred_at")

    assert world.event_count(episode["id"]) == before


def test_timestamps_at_the_ends_of_the_calendar_are_refused_not_a_server_error(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])

    for occurred_at in ["0001-01-01T00:30:00+01:00", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-01:00"]:
        assert_error(post_visit(world, visit_body(episode["id"], occurred_at=occurred_at)), 422, "occurred_at")
        result = post_batch(world, [visit_body(episode["id"], occurred_at=occurred_at)]).get_json()["results"][0]
        assert result["status"] == 422 and "occurred_at" in result["errors"]

    assert world.event_count(episode["id"]) == before


def test_visit_more_than_five_minutes_in_the_future_is_refused(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])
    later = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    soon = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()

    refused = post_visit(world, visit_body(episode["id"], occurred_at=later))
    assert_error(refused, 422, "occurred_at")
    assert world.event_count(episode["id"]) == before
    assert post_visit(world, visit_body(episode["id"], occurred_at=soon)).status_code == 201


def test_visit_before_the_episode_started_is_refused(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])
    started = date.fromisoformat(episode["started_on"])

    response = post_visit(world, visit_body(episode["id"], occurred_at=noon_on(started - timedelta(days=2))))

    assert_error(response, 422, "occurred_at")
    assert world.event_count(episode["id"]) == before


def test_after_closure_only_visits_on_or_before_the_end_are_accepted(world: World) -> None:
    episode = world.open_episode()
    ended_on = date.today() - timedelta(days=2)
    assert close(world, episode["id"], ended_on=str(ended_on)).status_code == 200
    before = world.event_count(episode["id"])

    after_the_end = post_visit(world, visit_body(episode["id"], occurred_at=noon_on(ended_on + timedelta(days=1))))
    assert_error(after_the_end, 409, "occurred_at")
    assert world.event_count(episode["id"]) == before

    on_the_end = post_visit(world, visit_body(episode["id"], occurred_at=noon_on(ended_on)))
    day_before = post_visit(world, visit_body(episode["id"], occurred_at=noon_on(ended_on - timedelta(days=1))))
    assert (on_the_end.status_code, day_before.status_code) == (201, 201)
    assert read_episode(world, episode["id"]).get_json()["visits"] == 2


def test_goal_progress_must_name_active_goals_of_this_episode(world: World) -> None:
    episode, other = world.open_episode(), world.open_episode()
    foreign_goal = world.set_goal(other["id"])
    withdrawn_goal = world.set_goal(episode["id"])
    withdrawn = world.client.post(f"/api/v1/episodes/{episode['id']}/goals/{withdrawn_goal['id']}/withdrawal",
                                  json={"reason": "Person no longer wants this"}, headers=world.manager.headers)
    assert withdrawn.status_code == 200
    before = world.event_count(episode["id"])

    for goal_id in [foreign_goal["id"], withdrawn_goal["id"], str(uuid.uuid4())]:
        response = post_visit(world, visit_body(episode["id"], [{"goal_id": goal_id, "level": 3}]))
        assert_error(response, 422, "goal_progress")

    assert world.event_count(episode["id"]) == before


def test_levels_outside_the_independence_scale_are_refused(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    before = world.event_count(episode["id"])

    for level in [-1, 6, 2.5, "3", None, True]:
        response = post_visit(world, visit_body(episode["id"], [{"goal_id": goal["id"], "level": level}]))
        assert_error(response, 422, "goal_progress")

    assert world.event_count(episode["id"]) == before
    for level in [0, 5]:
        accepted = post_visit(world, visit_body(episode["id"], [{"goal_id": goal["id"], "level": level}]))
        assert accepted.status_code == 201


def test_the_same_goal_twice_in_one_visit_is_refused(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    before = world.event_count(episode["id"])
    progress = [{"goal_id": goal["id"], "level": 2}, {"goal_id": goal["id"], "level": 3}]

    response = post_visit(world, visit_body(episode["id"], progress))

    assert_error(response, 422, "goal_progress")
    assert world.event_count(episode["id"]) == before


def test_notes_over_4000_characters_are_refused(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    before = world.event_count(episode["id"])

    visit_note = post_visit(world, visit_body(episode["id"], note="x" * 4001))
    goal_note = post_visit(world, visit_body(episode["id"], [{"goal_id": goal["id"], "level": 2, "note": "x" * 4001}]))

    assert_error(visit_note, 422, "note")
    assert_error(goal_note, 422, "goal_progress")
    assert world.event_count(episode["id"]) == before
    assert post_visit(world, visit_body(episode["id"], note="é" * 4000)).status_code == 201


def test_visit_fields_breaking_their_rules_are_refused_naming_the_field(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])
    cases: list[tuple[str, Any]] = [
        ("duration_minutes", 0), ("duration_minutes", 721), ("duration_minutes", "45"), ("carers", 3),
        ("wellbeing", 0), ("wellbeing", 6), ("concerns", ["hunger"]), ("ready_for_discharge", "maybe"),
        ("goal_progress", None), ("id", "visit-1"), ("episode_id", "episode-1"), ("goal_progress", [{"level": 1}]),
        ("goal_progress", [{"goal_id": "tea", "level": 3}]), ("mood", "cheerful"),
    ]

    for field, value in cases:
        response = post_visit(world, {**visit_body(episode["id"]), field: value})
        assert_error(response, 422, field)
    for field in ["id", "episode_id", "occurred_at", "duration_minutes", "carers", "goal_progress"]:
        body = visit_body(episode["id"])
        del body[field]
        assert_error(post_visit(world, body), 422, field)

    assert world.event_count(episode["id"]) == before


def test_malformed_json_is_a_bad_request_and_non_objects_are_refused(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])

    malformed = world.client.post("/api/v1/visits", data='{"id": "x", ', content_type="application/json",
                                  headers=world.worker.headers)
    assert_error(malformed, 400)
    for body in [[], "visit", 42, None]:
        response = world.client.post("/api/v1/visits", data=json.dumps(body), content_type="application/json",
                                     headers=world.worker.headers)
        assert response.status_code in (400, 422), body
        assert_error(response, response.status_code)

    assert world.event_count(episode["id"]) == before


def test_five_megabyte_visit_is_too_large(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])
    body = json.dumps(visit_body(episode["id"], note="x" * (5 * 1024 * 1024)))

    response = world.client.post("/api/v1/visits", data=body, content_type="application/json",
                                 headers=world.worker.headers)

    assert_error(response, 413)
    assert world.event_count(episode["id"]) == before
