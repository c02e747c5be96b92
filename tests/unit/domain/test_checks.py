"""The write-side checks on plain data: each refusal names its field and carries a stable reason."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from service.domain.checks import check_closure, check_follow_up, check_levels, check_opening, check_visit
from service.domain.errors import AfterEpisodeEnd, DomainError, Invalid, NotAssigned
from service.domain.facts import EpisodeFacts
from service.domain.goal_definitions import ACTIVE, GoalDefinition

WORKER = uuid.uuid4()
GOAL = GoalDefinition(id="g1", domain="stairs", description="Manage the stairs", baseline_level=1, target_level=3,
                      target_on=None, status=ACTIVE)
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def facts(**overrides: Any) -> EpisodeFacts:
    values: dict[str, Any] = {
        "provider_id": "p", "started_on": date(2026, 3, 1), "planned_end_on": date(2026, 4, 12),
        "referral_source": "community", "age_at_referral": 80, "hospital_discharge_on": None, "ended_on": None,
        "goals": {"g1": GOAL}, "assignments": {str(WORKER): [(datetime(2026, 3, 1, tzinfo=UTC), None)]},
    }
    return EpisodeFacts(**{**values, **overrides})


def visit(occurred_at: datetime, goal_ids: tuple[str, ...] = ("g1",)) -> dict[str, Any]:
    return {"occurred_at": occurred_at, "goal_progress": [{"goal_id": goal_id, "level": 2} for goal_id in goal_ids]}


def refusal(check: Any, *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as raised:
        check(*args, **kwargs)
    return raised.value


def test_a_visit_within_the_episode_by_the_assigned_worker_passes() -> None:
    check_visit(facts(), visit(NOW - timedelta(hours=1)), WORKER, now=NOW)


def test_a_visit_after_the_episode_ended_is_refused_as_after_episode_end() -> None:
    error = refusal(check_visit, facts(ended_on=date(2026, 3, 15)), visit(NOW), WORKER, now=NOW)
    assert isinstance(error, AfterEpisodeEnd)
    assert error.reason == "after_episode_end" and error.errors == {"occurred_at": [error.message]}


def test_a_visit_by_a_worker_never_assigned_is_refused_as_not_assigned() -> None:
    error = refusal(check_visit, facts(), visit(NOW), uuid.uuid4(), now=NOW)
    assert isinstance(error, NotAssigned) and error.reason == "not_assigned"


def test_a_visit_more_than_five_minutes_ahead_of_the_clock_is_invalid() -> None:
    error = refusal(check_visit, facts(), visit(NOW + timedelta(minutes=6)), WORKER, now=NOW)
    assert isinstance(error, Invalid) and "occurred_at" in error.errors


def test_progress_on_a_goal_that_is_not_active_names_the_entry() -> None:
    error = refusal(check_visit, facts(), visit(NOW, ("g1", "gone")), WORKER, now=NOW)
    assert error.errors == {"goal_progress": {"1": {"goal_id": ["Not an active goal of this episode."]}}}


def test_closure_rules_follow_the_outcome_and_the_calendar() -> None:
    body = {"ended_on": date(2026, 3, 20), "end_need_hours_per_week": 0.0, "outcome": "long_term_support"}
    assert "end_need_hours_per_week" in refusal(check_closure, date(2026, 3, 1), body, today=date(2026, 3, 20)).errors
    future = {**body, "end_need_hours_per_week": 7.5, "ended_on": date(2026, 3, 21)}
    assert "ended_on" in refusal(check_closure, date(2026, 3, 1), future, today=date(2026, 3, 20)).errors
    check_closure(date(2026, 3, 1), {**body, "end_need_hours_per_week": 7.5}, today=date(2026, 3, 20))


def test_opening_levels_and_follow_up_name_their_fields() -> None:
    opening = {"referral_source": "hospital_discharge", "started_on": date(2026, 3, 2), "referred_on": date(2026, 3, 1)}
    assert "hospital_discharge_on" in refusal(check_opening, opening, date(2026, 4, 1)).errors
    assert "target_level" in refusal(check_levels, 3, 3).errors



def test_follow_up_only_for_eligible_episodes_from_91_days_after_discharge_and_not_in_the_future() -> None:
    eligible = facts(referral_source="hospital_discharge", age_at_referral=65, hospital_discharge_on=date(2026, 3, 2))
    today = date(2026, 7, 1)
    check_follow_up(eligible, {"assessed_on": date(2026, 6, 1)}, today=today)  # day 91 exactly
    assert "assessed_on" in refusal(check_follow_up, eligible, {"assessed_on": date(2026, 5, 31)}, today=today).errors
    assert "assessed_on" in refusal(check_follow_up, eligible, {"assessed_on": date(2026, 7, 2)}, today=today).errors
    young = replace(eligible, age_at_referral=64)
    assert "age_at_referral" in refusal(check_follow_up, young, {"assessed_on": date(2026, 6, 1)}, today=today).errors
    community = replace(eligible, referral_source="community")
    assert "referral_source" in refusal(check_follow_up, community, {"assessed_on": date(2026, 6, 1)},
                                        today=today).errors
