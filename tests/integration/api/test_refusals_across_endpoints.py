"""Refusals that cut across endpoints: another worker reusing a visit id, closed episodes, far dates, role order."""

from __future__ import annotations

from datetime import date, timedelta

from tests.helpers import assert_error
from tests.integration.api.world import World, visit_body


def test_another_worker_reusing_a_visit_id_is_a_conflict_not_a_replay(world: World) -> None:
    episode = world.open_episode()
    world.client.post(f"/api/v1/episodes/{episode['id']}/assignments",
                      json={"worker_id": str(world.second_worker.id)}, headers=world.manager.headers)
    visit = visit_body(episode["id"])
    assert world.client.post("/api/v1/visits", json=visit, headers=world.worker.headers).status_code == 201
    before = world.event_count(episode["id"])
    assert_error(world.client.post("/api/v1/visits", json=visit, headers=world.second_worker.headers), 409, "id")
    assert world.event_count(episode["id"]) == before


def test_workers_cannot_read_closed_episodes(world: World) -> None:
    episode = world.open_episode()
    url = f"/api/v1/episodes/{episode['id']}"
    assert world.client.get(url, headers=world.worker.headers).status_code == 200
    closure = {"ended_on": str(date.today()), "end_need_hours_per_week": 0,
               "outcome": "no_services_no_identified_needs"}
    assert world.client.post(f"{url}/closure", json=closure, headers=world.manager.headers).status_code == 200
    assert_error(world.client.get(url, headers=world.worker.headers), 404)


def test_far_and_future_dates_are_refused_naming_the_field(world: World) -> None:
    episode = world.open_episode()
    url = f"/api/v1/episodes/{episode['id']}"
    goal = {"domain": "stairs", "description": "Manage the stairs", "baseline_level": 1, "target_level": 3,
            "target_on": "9999-12-31"}
    assert_error(world.client.post(f"{url}/goals", json=goal, headers=world.manager.headers), 422, "target_on")
    tomorrow = str(date.today() + timedelta(days=1))
    follow_up = {"assessed_on": tomorrow, "status": "at_home"}
    assert_error(world.client.post(f"{url}/follow-up", json=follow_up, headers=world.manager.headers), 422,
                 "assessed_on")


def test_report_and_contract_endpoints_check_roles_before_validating(world: World) -> None:
    client, worker = world.client, world.worker.headers
    assert_error(client.get("/api/v1/reports/effectiveness?from=bad", headers=worker), 403)
    assert_error(client.get("/api/v1/reports/providers", headers=world.manager.headers), 403)
    assert_error(client.post("/api/v1/contracts", json={"nonsense": 1}, headers=world.manager.headers), 403)
    assert_error(client.post("/api/v1/contracts", json={"nonsense": 1}), 401)
