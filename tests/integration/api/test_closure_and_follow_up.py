"""Closing an episode (outcome consistency rules) and the 91-day follow-up of hospital discharges."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.helpers import assert_error
from tests.integration.api.steps import close
from tests.integration.api.world import World


def _follow_up(world: World, episode_id: str, assessed_on: date | None = None, status: str = "at_home") -> object:
    body = {"assessed_on": str(assessed_on or date.today()), "status": status}
    return world.client.post(f"/api/v1/episodes/{episode_id}/follow-up", json=body, headers=world.manager.headers)


def test_closed_episode_shows_its_end_need_and_outcome(world: World) -> None:
    episode = world.open_episode()
    ended_on = str(date.today() - timedelta(days=1))

    response = close(world, episode["id"], ended_on=ended_on, end_need_hours_per_week=3.5,
                     outcome="long_term_support")

    assert response.status_code == 200, response.get_json()
    closed = response.get_json()
    assert (closed["status"], closed["ended_on"], closed["end_need_hours_per_week"], closed["outcome"]) == (
        "closed", ended_on, 3.5, "long_term_support")
    assert response.headers["ETag"] == f'"{closed["version"]}"'


def test_long_term_support_needs_an_end_package_and_no_services_outcomes_none(world: World) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])

    for outcome in ["long_term_support", "early_cessation_to_long_term_support"]:
        assert_error(close(world, episode["id"], end_need_hours_per_week=0, outcome=outcome), 422,
                     "end_need_hours_per_week")
    for outcome in ["no_services_self_funding", "no_services_declined", "no_services_universal_signposted",
                    "no_services_no_identified_needs"]:
        assert_error(close(world, episode["id"], end_need_hours_per_week=2, outcome=outcome), 422,
                     "end_need_hours_per_week")

    assert world.event_count(episode["id"]) == before


def test_closure_with_impossible_dates_or_values_is_refused(world: World) -> None:
    episode = world.open_episode()
    started = date.fromisoformat(episode["started_on"])
    before = world.event_count(episode["id"])

    assert_error(close(world, episode["id"], ended_on=str(started - timedelta(days=1))), 422, "ended_on")
    assert_error(close(world, episode["id"], ended_on=str(date.today() + timedelta(days=3))), 422, "ended_on")
    assert_error(close(world, episode["id"], end_need_hours_per_week=169, outcome="long_term_support"), 422,
                 "end_need_hours_per_week")
    assert_error(close(world, episode["id"], outcome="recovered"), 422, "outcome")
    assert world.event_count(episode["id"]) == before


def test_closing_twice_is_a_conflict(world: World) -> None:
    episode = world.open_episode()
    assert close(world, episode["id"]).status_code == 200
    before = world.event_count(episode["id"])

    assert_error(close(world, episode["id"], ended_on=str(date.today())), 409)
    assert world.event_count(episode["id"]) == before


def discharged_days_ago(world: World, days: int, **overrides: object) -> dict[str, Any]:
    """An episode of a hospital discharge `days` ago (started the day after)."""
    discharged = date.today() - timedelta(days=days)
    return world.open_episode(hospital_discharge_on=str(discharged), referred_on=str(discharged),
                              started_on=str(discharged + timedelta(days=1)), **overrides)


def test_follow_up_of_an_older_hospital_discharge_is_recorded_once(world: World) -> None:
    episode = discharged_days_ago(world, 91, age_at_referral=65)
    assert episode["follow_up"]["status"] is None

    response = _follow_up(world, episode["id"], status="in_care_home")

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["follow_up"]["status"] == "in_care_home"
    before = world.event_count(episode["id"])
    assert_error(_follow_up(world, episode["id"]), 409)
    assert world.event_count(episode["id"]) == before


def test_follow_up_is_only_for_hospital_discharges_aged_65_or_over_a_422_naming_the_field(world: World) -> None:
    younger = discharged_days_ago(world, 100, age_at_referral=64)
    community = world.open_episode(referral_source="community", hospital_discharge_on=None)
    assert community["hospital_discharge_on"] is None and community["follow_up"] is None

    for episode, field in ((younger, "age_at_referral"), (community, "referral_source")):
        before = world.event_count(episode["id"])
        assert_error(_follow_up(world, episode["id"]), 422, field)
        assert world.event_count(episode["id"]) == before


def test_follow_up_is_refused_before_91_days_after_discharge_or_in_the_future(world: World) -> None:
    episode = discharged_days_ago(world, 120)
    discharged = date.fromisoformat(episode["hospital_discharge_on"])
    recent = discharged_days_ago(world, 90)
    before = world.event_count(episode["id"])

    early = assert_error(_follow_up(world, episode["id"], assessed_on=discharged + timedelta(days=90)), 422,
                         "assessed_on")
    assert early["errors"]["assessed_on"] == [
        f"Must be on or after {discharged + timedelta(days=91)}, 91 days after the hospital discharge."]
    assert_error(_follow_up(world, episode["id"], assessed_on=date.today() + timedelta(days=1)), 422, "assessed_on")
    assert_error(_follow_up(world, episode["id"], status="at_sea"), 422, "status")
    assert_error(_follow_up(world, recent["id"]), 422, "assessed_on")  # today is day 90: not yet
    assert world.event_count(episode["id"]) == before
    on_the_day = _follow_up(world, episode["id"], assessed_on=discharged + timedelta(days=91))
    assert on_the_day.status_code == 200, on_the_day.get_json()
