"""Flags a manager must look at: the concern a visit raises, and acknowledging flags."""

from __future__ import annotations

from tests.helpers import assert_error
from tests.integration.api.steps import events, post_visit, read_episode
from tests.integration.api.world import World, visit_body


def _acknowledge(world: World, episode_id: str, flag: str, note: str | None = None) -> object:
    return world.client.post(f"/api/v1/episodes/{episode_id}/flags/{flag}/acknowledgement", json={"note": note},
                             headers=world.manager.headers)


def test_concern_raised_by_a_visit_is_cleared_by_acknowledging_it_until_the_next_one(world: World) -> None:
    episode = world.open_episode()
    assert post_visit(world, visit_body(episode["id"], concerns=["fall", "pain"])).status_code == 201
    flags = read_episode(world, episode["id"]).get_json()["flags"]
    assert [(flag["flag"], flag["acknowledged"]) for flag in flags] == [("concern", False)]
    assert "fall" in flags[0]["detail"] and "pain" in flags[0]["detail"]

    response = _acknowledge(world, episode["id"], "concern", "Spoke to the family; OT visit booked")

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["flags"] == []
    assert events(world, episode["id"])[-1]["type"] == "FlagAcknowledged"
    listed = world.client.get("/api/v1/episodes?flag=concern", headers=world.manager.headers).get_json()
    assert listed["total"] == 0
    post_visit(world, visit_body(episode["id"], concerns=["skin_integrity"]))
    raised_again = read_episode(world, episode["id"]).get_json()["flags"]
    assert [flag["flag"] for flag in raised_again] == ["concern"] and "skin_integrity" in raised_again[0]["detail"]


def test_unknown_flag_is_not_found_and_a_flag_not_raised_is_a_conflict(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])

    assert_error(_acknowledge(world, episode["id"], "unhappy"), 404, "flag")
    for flag in ["concern", "stalled", "early_completion"]:
        assert_error(_acknowledge(world, episode["id"], flag), 409, "flag")
    assert_error(world.client.post(f"/api/v1/episodes/{episode['id']}/flags/concern/acknowledgement",
                                   json={"note": "x" * 1001}, headers=world.manager.headers), 422, "note")
    assert world.event_count(episode["id"]) == before
