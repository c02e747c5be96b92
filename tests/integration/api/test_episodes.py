"""Opening and reading episodes: defaults, validation, ETag and If-Match, the event log and its hash chain."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from tests.helpers import assert_error
from tests.integration.api.steps import close, events, post_visit, read_episode
from tests.integration.api.world import World, episode_body, visit_body


def test_opened_episode_shows_what_was_sent_and_plans_42_days(world: World) -> None:
    body = episode_body(world.provider, worker_ids=[str(world.worker.id)])

    response = world.client.post("/api/v1/episodes", json=body, headers=world.manager.headers)

    assert response.status_code == 201, response.get_json()
    episode = response.get_json()
    assert response.headers["ETag"] == f'"{episode["version"]}"'
    assert episode["planned_end_on"] == str(date.fromisoformat(body["started_on"]) + timedelta(days=42))
    assert episode["status"] == "open" and episode["ended_on"] is None and episode["outcome"] is None
    assert episode["worker_ids"] == [str(world.worker.id)]
    assert episode["visits"] == 0 and episode["goals"] == [] and episode["gas_t_score"] is None
    for field in ["person_ref", "age_at_referral", "provider_id", "referral_source", "referred_on", "started_on",
                  "hospital_discharge_on", "start_need_hours_per_week"]:
        assert episode[field] == body[field], field


def test_episode_breaking_its_rules_is_refused_naming_the_field(world: World) -> None:
    before = world.client.get("/api/v1/episodes", headers=world.manager.headers).get_json()["total"]
    started = date.fromisoformat(episode_body(world.provider)["started_on"])
    cases: list[tuple[str, dict[str, Any]]] = [
        ("start_need_hours_per_week", {"start_need_hours_per_week": 168.5}),
        ("start_need_hours_per_week", {"start_need_hours_per_week": -1}),
        ("hospital_discharge_on", {"hospital_discharge_on": None}),
        ("referral_source", {"referral_source": "gp"}),
        ("started_on", {"referred_on": str(started + timedelta(days=1))}),
        ("planned_end_on", {"planned_end_on": str(started)}),
        ("started_on", {"started_on": "2026-02-30"}),
        ("provider_id", {"provider_id": str(world.other_provider)}),
        ("provider_id", {"provider_id": "home-first"}),
        ("worker_ids", {"worker_ids": [str(world.other_worker.id)]}),
        ("worker_ids", {"worker_ids": [str(world.manager.id)]}),
        ("age_at_referral", {"age_at_referral": "82"}),
        ("nhs_number", {"nhs_number": "943 476 5919"}),
        ("started_on", {"referred_on": "9999-12-01", "started_on": "9999-12-30"}),
        ("hospital_discharge_on", {"hospital_discharge_on": "9999-12-31"}),
        ("referred_on", {"referred_on": "0001-01-01"}),
    ]

    for field, overrides in cases:
        response = world.client.post("/api/v1/episodes", json={**episode_body(world.provider), **overrides},
                                     headers=world.manager.headers)
        assert_error(response, 422, field)
    malformed = world.client.post("/api/v1/episodes", data="{", content_type="application/json",
                                  headers=world.manager.headers)
    assert_error(malformed, 400)

    assert world.client.get("/api/v1/episodes", headers=world.manager.headers).get_json()["total"] == before


def test_episode_list_filters_by_status_and_flag(world: World) -> None:
    open_one, closed_one = world.open_episode(), world.open_episode()
    assert close(world, closed_one["id"]).status_code == 200
    assert post_visit(world, visit_body(open_one["id"], concerns=["pain"])).status_code == 201
    headers = world.manager.headers

    listed = {status: [item["id"] for item in world.client.get(f"/api/v1/episodes?status={status}",
                                                                headers=headers).get_json()["items"]]
              for status in ("open", "closed")}
    flagged = world.client.get("/api/v1/episodes?flag=concern", headers=headers).get_json()

    assert listed == {"open": [open_one["id"]], "closed": [closed_one["id"]]}
    assert [item["id"] for item in flagged["items"]] == [open_one["id"]]
    assert_error(world.client.get("/api/v1/episodes?status=paused", headers=headers), 422, "status")
    assert_error(world.client.get("/api/v1/episodes?page_size=501", headers=headers), 422, "page_size")


def test_etag_is_the_episode_version_and_a_stale_if_match_is_refused(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    read = read_episode(world, episode["id"])
    version = read.get_json()["version"]
    assert read.headers["ETag"] == f'"{version}"'
    url = f"/api/v1/episodes/{episode['id']}/goals/{goal['id']}"

    for stale in [f'"{version - 1}"', str(version + 1), "yesterday"]:
        response = world.client.patch(url, json={"target_level": 5},
                                      headers={**world.manager.headers, "If-Match": stale})
        assert_error(response, 412)
    assert world.event_count(episode["id"]) == version

    current = world.client.patch(url, json={"target_level": 5},
                                 headers={**world.manager.headers, "If-Match": read.headers["ETag"]})
    assert current.status_code == 200, current.get_json()
    assert current.get_json()["target_level"] == 5
    assert current.headers["ETag"] == f'"{version + 1}"'
    assert read_episode(world, episode["id"]).get_json()["version"] == version + 1
    weak = world.client.post(f"/api/v1/episodes/{episode['id']}/closure",
                             json={"ended_on": str(date.today()), "end_need_hours_per_week": 0,
                                   "outcome": "no_services_declined"},
                             headers={**world.manager.headers, "If-Match": f'W/"{version + 1}"'})
    assert weak.status_code == 200 and weak.headers["ETag"] == f'"{version + 2}"'


def _canonical_hash(envelope: dict[str, Any]) -> str:
    body = {key: value for key, value in envelope.items() if key != "hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_event_log_lists_every_change_in_order_with_a_hash_chain(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    post_visit(world, visit_body(episode["id"], [{"goal_id": goal["id"], "level": 2}]))
    close(world, episode["id"])

    log = events(world, episode["id"])

    assert [event["type"] for event in log] == ["EpisodeOpened", "WorkerAssigned", "GoalSet", "VisitRecorded",
                                                "EpisodeClosed"]
    assert [event["version"] for event in log] == [1, 2, 3, 4, 5]
    assert [event["sequence"] for event in log] == sorted(event["sequence"] for event in log)
    assert log[0]["prev_hash"] == "0" * 64
    for previous, event in pairwise(log):
        assert event["prev_hash"] == previous["hash"]
    for event in log:
        assert event["hash"] == _canonical_hash({**event, "episode_id": episode["id"]})
    assert log[3]["data"]["worker_id"] == str(world.worker.id) and log[3]["actor_id"] == str(world.worker.id)
    assert log[2]["data"]["goal_id"] == goal["id"]
    last_page = world.client.get(f"/api/v1/episodes/{episode['id']}/events?page=3&page_size=2",
                                 headers=world.manager.headers).get_json()
    assert (last_page["total"], last_page["page"], last_page["page_size"]) == (5, 3, 2)
    assert last_page["items"] == log[4:]
