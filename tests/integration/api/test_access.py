"""Who may do what: roles (403), other providers' records (404, never 403), assignments, the caseload."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from tests.helpers import assert_error
from tests.integration.api.steps import close, post_visit, read_episode
from tests.integration.api.world import Actor, World, episode_body, visit_body


def _manager_calls(world: World, episode_id: str, goal_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every manager endpoint on one episode, with a valid body."""
    base = f"/api/v1/episodes/{episode_id}"
    return [
        ("GET", "/api/v1/episodes", None),
        ("POST", "/api/v1/episodes", episode_body(world.provider)),
        ("GET", f"{base}/events", None),
        ("POST", f"{base}/assignments", {"worker_id": str(world.second_worker.id)}),
        ("DELETE", f"{base}/assignments/{world.worker.id}", None),
        ("POST", f"{base}/goals", {"domain": "stairs", "description": "Stairs", "baseline_level": 1,
                                   "target_level": 3}),
        ("PATCH", f"{base}/goals/{goal_id}", {"target_level": 5}),
        ("POST", f"{base}/goals/{goal_id}/withdrawal", {"reason": "No longer wanted"}),
        ("POST", f"{base}/closure", {"ended_on": str(datetime.now(UTC).date()), "end_need_hours_per_week": 0,
                                     "outcome": "no_services_declined"}),
        ("POST", f"{base}/follow-up", {"assessed_on": str(datetime.now(UTC).date()), "status": "at_home"}),
        ("POST", f"{base}/flags/concern/acknowledgement", {"note": "Seen"}),
    ]


def _call(world: World, actor: Actor, method: str, url: str, body: dict[str, Any] | None) -> Any:
    return world.client.open(url, method=method, json=body, headers=actor.headers)


def test_workers_and_commissioners_cannot_use_manager_endpoints(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    post_visit(world, visit_body(episode["id"], concerns=["fall"]))
    before = world.event_count(episode["id"])

    for actor in (world.worker, world.commissioner):
        for method, url, body in _manager_calls(world, episode["id"], goal["id"]):
            assert_error(_call(world, actor, method, url, body), 403)
    assert_error(read_episode(world, episode["id"], world.commissioner), 403)

    assert world.event_count(episode["id"]) == before


def test_managers_of_another_provider_see_nothing_of_the_episode(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    post_visit(world, visit_body(episode["id"], concerns=["fall"]))
    before = world.event_count(episode["id"])

    for method, url, body in _manager_calls(world, episode["id"], goal["id"])[2:]:
        assert_error(_call(world, world.other_manager, method, url, body), 404)
    assert_error(read_episode(world, episode["id"], world.other_manager), 404)
    listed = world.client.get("/api/v1/episodes", headers=world.other_manager.headers).get_json()
    assert listed["total"] == 0 and listed["items"] == []

    assert world.event_count(episode["id"]) == before


def test_everyone_must_sign_in(world: World) -> None:
    episode = world.open_episode()
    anonymous = Actor(uuid.uuid4(), {})
    bad_token = Actor(uuid.uuid4(), {"Authorization": "Bearer not-a-token"})

    for actor in (anonymous, bad_token):
        assert_error(post_visit(world, visit_body(episode["id"]), actor), 401)
        assert_error(read_episode(world, episode["id"], actor), 401)
        assert_error(world.client.get("/api/v1/me/caseload", headers=actor.headers), 401)


def test_credentials_and_role_are_checked_before_the_body(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])
    junk = {"colour": "blue"}

    assert_error(world.client.post("/api/v1/visits", json=junk), 401)
    assert_error(world.client.post("/api/v1/visits/batch", json=junk), 401)
    assert_error(world.client.post(f"/api/v1/episodes/{episode['id']}/closure", json=junk), 401)
    assert_error(world.client.post("/api/v1/events/0e3c2a55-8a43-4f3a-9d8a-1d1b6a0c7e01/corrections", json=junk),
                 401)
    for actor in (world.worker, world.commissioner):
        assert_error(world.client.post(f"/api/v1/episodes/{episode['id']}/closure", json=junk,
                                       headers=actor.headers), 403)
        assert_error(world.client.post("/api/v1/episodes", json=junk, headers=actor.headers), 403)
    assert_error(world.client.post("/api/v1/visits", json=junk, headers=world.manager.headers), 403)

    assert world.event_count(episode["id"]) == before


def test_only_workers_post_visits(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])

    for actor in (world.manager, world.commissioner, world.admin):
        assert_error(post_visit(world, visit_body(episode["id"]), actor), 403)
        assert_error(world.client.post("/api/v1/visits/batch", json={"visits": [visit_body(episode["id"])]},
                                       headers=actor.headers), 403)

    assert world.event_count(episode["id"]) == before


def test_workers_who_are_not_assigned_cannot_post_or_read(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])
    assert_error(post_visit(world, visit_body(str(uuid.uuid4()))), 404, "episode_id")

    for worker in (world.other_worker, world.second_worker):
        assert_error(post_visit(world, visit_body(episode["id"]), worker), 404, "episode_id")
        result = world.client.post("/api/v1/visits/batch", json={"visits": [visit_body(episode["id"])]},
                                   headers=worker.headers).get_json()["results"]
        assert result[0]["status"] == 404
        assert_error(read_episode(world, episode["id"], worker), 404)
    assert read_episode(world, episode["id"], world.worker).status_code == 200

    assert world.event_count(episode["id"]) == before


def test_worker_unassigned_after_a_visit_can_still_post_it(world: World) -> None:
    episode = world.open_episode()
    assigned = world.client.post(f"/api/v1/episodes/{episode['id']}/assignments",
                                 json={"worker_id": str(world.second_worker.id)}, headers=world.manager.headers)
    assert assigned.status_code == 200 and str(world.second_worker.id) in assigned.get_json()["worker_ids"]
    time.sleep(0.01)
    while_assigned = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    unassigned = world.client.delete(f"/api/v1/episodes/{episode['id']}/assignments/{world.second_worker.id}",
                                     headers=world.manager.headers)
    assert unassigned.status_code == 200 and str(world.second_worker.id) not in unassigned.get_json()["worker_ids"]

    queued_offline = post_visit(world, visit_body(episode["id"], occurred_at=while_assigned), world.second_worker)
    after = post_visit(world, visit_body(episode["id"]), world.second_worker)

    assert queued_offline.status_code == 201, queued_offline.get_json()
    assert_error(after, 404, "episode_id")
    assert read_episode(world, episode["id"]).get_json()["visits"] == 1


def test_assignments_name_workers_of_the_provider(world: World) -> None:
    episode = world.open_episode()
    url = f"/api/v1/episodes/{episode['id']}/assignments"
    before = world.event_count(episode["id"])

    for worker_id in (str(world.other_worker.id), str(world.manager.id), str(uuid.uuid4())):
        assert_error(world.client.post(url, json={"worker_id": worker_id}, headers=world.manager.headers), 422,
                     "worker_id")
    assert_error(world.client.post(url, json={"worker_id": "bob"}, headers=world.manager.headers), 422, "worker_id")
    assert_error(world.client.delete(f"{url}/{world.second_worker.id}", headers=world.manager.headers), 404)
    again = world.client.post(url, json={"worker_id": str(world.worker.id)}, headers=world.manager.headers)

    assert again.status_code == 200
    assert world.event_count(episode["id"]) == before


def test_non_uuid_ids_in_paths_are_not_found(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    headers = world.manager.headers

    assert_error(world.client.get("/api/v1/episodes/AB-1234", headers=headers), 404)
    assert_error(world.client.get("/api/v1/episodes/AB-1234/events", headers=headers), 404)
    assert_error(world.client.post("/api/v1/episodes/42/closure", json={}, headers=headers), 404)
    assert_error(world.client.patch(f"/api/v1/episodes/{episode['id']}/goals/tea", json={"target_level": 5},
                                    headers=headers), 404)
    assert_error(world.client.post(f"/api/v1/episodes/x/goals/{goal['id']}/withdrawal", json={"reason": "r"},
                                   headers=headers), 404)
    assert_error(world.client.post("/api/v1/events/1/corrections", json={"reason": "r", "void": True},
                                   headers=headers), 404)
    assert_error(world.client.get(f"/api/v1/episodes/{uuid.uuid4()}", headers=headers), 404)


def test_caseload_shows_only_the_workers_open_assigned_episodes(world: World) -> None:
    mine = world.open_episode(person_ref="MINE-1")
    goal = world.set_goal(mine["id"], baseline=1, target=4)
    withdrawn = world.set_goal(mine["id"])
    world.client.post(f"/api/v1/episodes/{mine['id']}/goals/{withdrawn['id']}/withdrawal", json={"reason": "r"},
                      headers=world.manager.headers)
    closed = world.open_episode(person_ref="CLOSED-1")
    close(world, closed["id"])
    unassigned = world.open_episode(person_ref="GONE-1")
    world.client.delete(f"/api/v1/episodes/{unassigned['id']}/assignments/{world.worker.id}",
                        headers=world.manager.headers)
    world.client.post("/api/v1/episodes", headers=world.manager.headers,
                      json=episode_body(world.provider, person_ref="OTHER-1", worker_ids=[str(world.second_worker.id)]))
    before = world.client.get("/api/v1/me/caseload", headers=world.worker.headers).get_json()["items"]
    visit = visit_body(mine["id"], [{"goal_id": goal["id"], "level": 3, "note": "Private note"}],
                       note="Daughter visiting Tuesdays")
    post_visit(world, visit)

    response = world.client.get("/api/v1/me/caseload", headers=world.worker.headers)

    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert [item["person_ref"] for item in items] == ["MINE-1"]
    assert [(g["id"], g["current_level"]) for g in items[0]["goals"]] == [(goal["id"], 3)]
    assert [item["last_visit_at"] for item in before] == [None]
    assert datetime.fromisoformat(items[0]["last_visit_at"]) == datetime.fromisoformat(visit["occurred_at"])
    assert "Private note" not in response.get_data(as_text=True)
    assert "Daughter" not in response.get_data(as_text=True)
    other = world.client.get("/api/v1/me/caseload", headers=world.other_worker.headers).get_json()
    assert other["items"] == []
    assert_error(world.client.get("/api/v1/me/caseload", headers=world.manager.headers), 403)
