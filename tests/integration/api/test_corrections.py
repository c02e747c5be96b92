"""POST /events/{id}/corrections: who may correct what, and how corrections show on the episode."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from service.corrections import correcting
from tests.helpers import assert_error
from tests.integration.api.steps import close, events, post_visit, read_episode
from tests.integration.api.world import Actor, World, visit_body


def _correct(world: World, event_id: str, body: dict[str, Any], actor: Actor | None = None) -> Any:
    return world.client.post(f"/api/v1/events/{event_id}/corrections", json=body,
                             headers=(actor or world.manager).headers)


def _visit_event(world: World, episode_id: str, actor: Actor | None = None, **overrides: Any) -> str:
    response = post_visit(world, visit_body(episode_id, **overrides), actor)
    assert response.status_code == 201, response.get_json()
    event_id: str = response.get_json()["event_id"]
    return event_id


def _replacement(**overrides: Any) -> dict[str, Any]:
    return {"occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(), "duration_minutes": 30,
            "carers": 1, "goal_progress": [], **overrides}


def test_manager_voids_a_visit_and_the_original_stays_in_the_log(world: World) -> None:
    episode = world.open_episode()
    event_id = _visit_event(world, episode["id"])
    _visit_event(world, episode["id"])
    before = world.event_count(episode["id"])

    response = _correct(world, event_id, {"reason": "Entered on the wrong person", "void": True})

    assert response.status_code == 201, response.get_json()
    correction = response.get_json()
    assert correction["type"] == "EventCorrected" and correction["version"] == before + 1
    assert correction["data"]["corrects"] == event_id and correction["data"]["void"] is True
    assert world.event_count(episode["id"]) == before + 1
    log = events(world, episode["id"])
    assert event_id in [event["id"] for event in log] and log[-1]["id"] == correction["id"]
    shown = read_episode(world, episode["id"]).get_json()
    assert shown["visits"] == 1 and shown["contact_minutes"] == 45


def test_worker_corrects_their_own_visit_within_24_hours(world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    event_id = _visit_event(world, episode["id"], goal_progress=[{"goal_id": goal["id"], "level": 2}])

    response = _correct(world, event_id, {"reason": "Typed 45 for 30", "data": _replacement(
        goal_progress=[{"goal_id": goal["id"], "level": 3}])}, world.worker)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["data"]["duration_minutes"] == 30
    shown = read_episode(world, episode["id"]).get_json()
    assert shown["visits"] == 1 and shown["contact_minutes"] == 30
    assert shown["goals"][0]["current_level"] == 3


def test_worker_cannot_correct_a_visit_after_24_hours(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    episode = world.open_episode()
    event_id = _visit_event(world, episode["id"])
    before = world.event_count(episode["id"])
    monkeypatch.setattr(correcting, "utcnow", lambda: datetime.now(UTC) + timedelta(hours=25))

    response = _correct(world, event_id, {"reason": "Too late", "void": True}, world.worker)

    assert_error(response, 403)
    assert world.event_count(episode["id"]) == before


def test_worker_cannot_correct_another_workers_visit_or_other_events(world: World) -> None:
    episode = world.open_episode()
    world.client.post(f"/api/v1/episodes/{episode['id']}/assignments", json={"worker_id": str(world.second_worker.id)},
                      headers=world.manager.headers)
    theirs = _visit_event(world, episode["id"], world.second_worker)
    opened = events(world, episode["id"])[0]["id"]
    before = world.event_count(episode["id"])

    assert_error(_correct(world, theirs, {"reason": "Not mine", "void": True}, world.worker), 403)
    assert_error(_correct(world, theirs, {"reason": "Not mine", "data": _replacement()}, world.worker), 403)
    assert_error(_correct(world, opened, {"reason": "Wrong age", "void": True}, world.worker), 403)
    assert_error(_correct(world, theirs, {"reason": "Not mine", "void": True}, world.commissioner), 403)
    assert world.event_count(episode["id"]) == before


def test_correction_needs_either_data_or_void(world: World) -> None:
    episode = world.open_episode()
    event_id = _visit_event(world, episode["id"])
    before = world.event_count(episode["id"])

    assert_error(_correct(world, event_id, {"reason": "Both", "data": _replacement(), "void": True}), 422, "data")
    assert_error(_correct(world, event_id, {"reason": "Neither"}), 422, "data")
    assert_error(_correct(world, event_id, {"reason": "", "void": True}), 422, "reason")
    assert_error(_correct(world, event_id, {"void": True}), 422, "reason")
    assert world.event_count(episode["id"]) == before


def test_episode_opening_cannot_be_voided_and_its_correction_keeps_the_opening_rules(world: World) -> None:
    episode = world.open_episode()
    opened = events(world, episode["id"])[0]
    before = world.event_count(episode["id"])
    data = {key: opened["data"][key] for key in ("person_ref", "age_at_referral", "referral_source", "referred_on",
                                                 "started_on", "hospital_discharge_on", "start_need_hours_per_week")}
    started = date.fromisoformat(data["started_on"])

    assert_error(_correct(world, opened["id"], {"reason": "Duplicate referral", "void": True}), 422)
    for field, overrides in [("hospital_discharge_on", {"hospital_discharge_on": None}),
                             ("started_on", {"referred_on": str(started + timedelta(days=1))}),
                             ("planned_end_on", {"planned_end_on": str(started)})]:
        response = _correct(world, opened["id"], {"reason": "Fix", "data": {**data, **overrides}})
        assert_error(response, 422, field)
    assert world.event_count(episode["id"]) == before
    fixed = _correct(world, opened["id"], {"reason": "Age was mistyped", "data": {**data, "age_at_referral": 87}})
    assert fixed.status_code == 201, fixed.get_json()
    assert read_episode(world, episode["id"]).get_json()["age_at_referral"] == 87


def test_closure_correction_must_keep_outcome_and_end_need_consistent(world: World) -> None:
    episode = world.open_episode()
    close(world, episode["id"])
    closure = events(world, episode["id"])[-1]
    before = world.event_count(episode["id"])
    ended_on = str(date.today() - timedelta(days=1))

    inconsistent = _correct(world, closure["id"], {"reason": "Package agreed", "data": {
        "ended_on": ended_on, "end_need_hours_per_week": 0, "outcome": "long_term_support"}})
    assert_error(inconsistent, 422, "end_need_hours_per_week")
    assert world.event_count(episode["id"]) == before

    consistent = _correct(world, closure["id"], {"reason": "Package agreed", "data": {
        "ended_on": ended_on, "end_need_hours_per_week": 7, "outcome": "long_term_support"}})
    assert consistent.status_code == 201, consistent.get_json()
    shown = read_episode(world, episode["id"]).get_json()
    assert (shown["outcome"], shown["end_need_hours_per_week"], shown["ended_on"]) == (
        "long_term_support", 7, ended_on)


def test_invalid_replacement_visit_is_refused(world: World) -> None:
    episode = world.open_episode()
    event_id = _visit_event(world, episode["id"])
    before = world.event_count(episode["id"])

    assert_error(_correct(world, event_id, {"reason": "r", "data": _replacement(duration_minutes=0)}), 422, "data")
    assert_error(_correct(world, event_id, {"reason": "r", "data": _replacement(id=event_id)}), 422, "data")
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert_error(_correct(world, event_id, {"reason": "r", "data": _replacement(occurred_at=future)}), 422,
                 "occurred_at")
    assert world.event_count(episode["id"]) == before


def test_another_providers_event_is_not_found(world: World) -> None:
    episode = world.open_episode()
    event_id = _visit_event(world, episode["id"])
    before = world.event_count(episode["id"])

    for actor in (world.other_manager, world.other_worker):
        assert_error(_correct(world, event_id, {"reason": "r", "void": True}, actor), 404)
    assert_error(_correct(world, "0e3c2a55-8a43-4f3a-9d8a-1d1b6a0c7e01", {"reason": "r", "void": True}), 404)
    assert world.event_count(episode["id"]) == before


def test_a_correction_itself_cannot_be_corrected(world: World) -> None:
    episode = world.open_episode()
    event_id = _visit_event(world, episode["id"])
    correction = _correct(world, event_id, {"reason": "r", "void": True}).get_json()
    before = world.event_count(episode["id"])

    assert_error(_correct(world, correction["id"], {"reason": "undo", "void": True}), 422)
    assert world.event_count(episode["id"]) == before


def test_voiding_a_closure_reopens_the_episode(world: World) -> None:
    episode = world.open_episode()
    close(world, episode["id"])
    closure = events(world, episode["id"])[-1]

    response = _correct(world, closure["id"], {"reason": "Closed the wrong episode", "void": True})

    assert response.status_code == 201, response.get_json()
    shown = read_episode(world, episode["id"]).get_json()
    assert (shown["status"], shown["ended_on"], shown["outcome"]) == ("open", None, None)
    caseload = world.client.get("/api/v1/me/caseload", headers=world.worker.headers).get_json()["items"]
    assert [item["id"] for item in caseload] == [episode["id"]]
    assert post_visit(world, visit_body(episode["id"])).status_code == 201


def test_follow_up_correction_keeps_to_the_91_day_rule(world: World) -> None:
    discharged = date.today() - timedelta(days=100)
    episode = world.open_episode(hospital_discharge_on=str(discharged), referred_on=str(discharged),
                                 started_on=str(discharged + timedelta(days=1)))
    recorded = world.client.post(f"/api/v1/episodes/{episode['id']}/follow-up",
                                 json={"assessed_on": str(date.today()), "status": "at_home"},
                                 headers=world.manager.headers)
    assert recorded.status_code == 200
    follow_up = events(world, episode["id"])[-1]
    before = world.event_count(episode["id"])

    response = _correct(world, follow_up["id"], {"reason": "Wrong date", "data": {
        "assessed_on": str(discharged + timedelta(days=90)), "status": "in_hospital"}})

    assert_error(response, 422, "assessed_on")
    assert world.event_count(episode["id"]) == before


def test_correction_with_a_stale_if_match_is_refused(world: World) -> None:
    episode = world.open_episode()
    event_id = _visit_event(world, episode["id"])
    read = read_episode(world, episode["id"])
    _visit_event(world, episode["id"])
    before = world.event_count(episode["id"])
    void = {"reason": "Duplicate", "void": True}

    stale = world.client.post(f"/api/v1/events/{event_id}/corrections", json=void,
                              headers={**world.manager.headers, "If-Match": read.headers["ETag"]})
    assert_error(stale, 412)
    assert world.event_count(episode["id"]) == before

    current = world.client.post(f"/api/v1/events/{event_id}/corrections", json=void,
                                headers={**world.manager.headers, "If-Match": f'"{before}"'})
    assert current.status_code == 201 and current.get_json()["version"] == before + 1
