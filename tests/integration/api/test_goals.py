"""Goals: setting, revising and withdrawing them, with the independence-scale rules."""

from __future__ import annotations

from typing import Any

from tests.helpers import assert_error
from tests.integration.api.steps import close, events, read_episode
from tests.integration.api.world import World


def _goal_url(episode_id: str, goal_id: str = "") -> str:
    return f"/api/v1/episodes/{episode_id}/goals" + (f"/{goal_id}" if goal_id else "")


def test_goal_is_set_with_its_baseline_as_current_level(world: World) -> None:
    episode = world.open_episode()

    goal = world.set_goal(episode["id"], baseline=1, target=4, target_on=episode["planned_end_on"])

    assert goal["status"] == "active" and goal["current_level"] == 1 and goal["progress_pct"] == 0
    assert goal["met"] is False and goal["achieved"] is False and goal["gas_score"] == -2
    assert (goal["domain"], goal["target_on"]) == ("meal_preparation", episode["planned_end_on"])
    assert [g["id"] for g in read_episode(world, episode["id"]).get_json()["goals"]] == [goal["id"]]


def test_goal_breaking_its_rules_is_refused_naming_the_field(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])
    valid = {"domain": "mobility", "description": "Walk to the shop", "baseline_level": 2, "target_level": 4}
    cases: list[tuple[str, dict[str, Any]]] = [
        ("target_level", {"target_level": 2}),
        ("target_level", {"target_level": 1}),
        ("domain", {"domain": "cooking"}),
        ("baseline_level", {"baseline_level": -1}),
        ("target_level", {"target_level": 6}),
        ("description", {"description": ""}),
        ("target_on", {"target_on": "next week"}),
        ("priority", {"priority": "high"}),
    ]

    for field, overrides in cases:
        response = world.client.post(_goal_url(episode["id"]), json={**valid, **overrides},
                                     headers=world.manager.headers)
        assert_error(response, 422, field)

    assert world.event_count(episode["id"]) == before


def test_revising_a_goal_changes_only_the_fields_given(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"], baseline=1, target=3)

    response = world.client.patch(_goal_url(episode["id"], goal["id"]), json={"target_level": 5},
                                  headers=world.manager.headers)

    assert response.status_code == 200, response.get_json()
    revised = response.get_json()
    assert revised["target_level"] == 5 and revised["description"] == goal["description"]
    assert revised["baseline_level"] == 1
    assert events(world, episode["id"])[-1]["type"] == "GoalRevised"


def test_revision_to_a_target_not_above_baseline_or_with_nothing_is_refused(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"], baseline=2, target=4)
    before = world.event_count(episode["id"])
    url = _goal_url(episode["id"], goal["id"])

    assert_error(world.client.patch(url, json={"target_level": 2}, headers=world.manager.headers), 422,
                 "target_level")
    assert_error(world.client.patch(url, json={}, headers=world.manager.headers), 422)
    assert_error(world.client.patch(url, json={"baseline_level": 0}, headers=world.manager.headers), 422,
                 "baseline_level")
    assert world.event_count(episode["id"]) == before


def test_withdrawn_goal_cannot_be_revised_or_withdrawn_again(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    url = _goal_url(episode["id"], goal["id"])

    withdrawn = world.client.post(f"{url}/withdrawal", json={"reason": "Moved to a care home"},
                                  headers=world.manager.headers)
    assert withdrawn.status_code == 200, withdrawn.get_json()
    assert withdrawn.get_json()["status"] == "withdrawn"
    before = world.event_count(episode["id"])

    assert_error(world.client.patch(url, json={"target_level": 5}, headers=world.manager.headers), 409)
    assert_error(world.client.post(f"{url}/withdrawal", json={"reason": "Again"}, headers=world.manager.headers),
                 409)
    assert world.event_count(episode["id"]) == before
    assert read_episode(world, episode["id"]).get_json()["gas_t_score"] is None


def test_unknown_goal_is_not_found_and_a_closed_episode_takes_no_new_goals(world: World) -> None:
    episode = world.open_episode()
    world.set_goal(episode["id"])
    unknown = _goal_url(episode["id"], "7c1f7a52-0000-4000-8000-000000000000")

    assert_error(world.client.patch(unknown, json={"target_level": 5}, headers=world.manager.headers), 404)
    assert_error(world.client.patch(_goal_url(episode["id"], "tea"), json={"target_level": 5},
                                    headers=world.manager.headers), 404)
    assert close(world, episode["id"]).status_code == 200
    before = world.event_count(episode["id"])
    late = world.client.post(_goal_url(episode["id"]), json={"domain": "stairs", "description": "Climb stairs",
                                                              "baseline_level": 1, "target_level": 3},
                             headers=world.manager.headers)
    assert_error(late, 409)
    assert world.event_count(episode["id"]) == before
