"""The write-side rules an append must pass before its event is stored (plain data in, a DomainError out)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from service.domain.calendar import london_date, today_london
from service.domain.cld import CESSATION_REASONS_BY_OUTCOME, cessation_reason_allowed
from service.domain.errors import AfterEpisodeEnd, Invalid, NotAssigned
from service.domain.facts import EpisodeFacts
from service.domain.follow_up import HOSPITAL_DISCHARGE
from service.domain.outcomes import NEEDS_END_PACKAGE, NO_SERVICES

# A phone's clock may run a little ahead of the server's.
FUTURE_TOLERANCE = timedelta(minutes=5)


def check_visit(facts: EpisodeFacts, visit: dict[str, Any], worker_id: uuid.UUID, *,
                now: datetime | None = None) -> None:
    """A visit's rules against the episode's current facts: assigned worker, dates, active goals."""
    occurred_at: datetime = visit["occurred_at"]
    if not facts.was_assigned(str(worker_id), occurred_at):
        raise NotAssigned("No such episode.", "episode_id")
    day = london_date(occurred_at)
    if day < facts.started_on:
        raise Invalid(f"Cannot be before the episode started ({facts.started_on}).", "occurred_at")
    if occurred_at > (now or datetime.now(UTC)) + FUTURE_TOLERANCE:
        raise Invalid("Cannot be more than 5 minutes in the future; check the phone's clock.", "occurred_at")
    if facts.ended_on is not None and day > facts.ended_on:
        raise AfterEpisodeEnd(f"The episode ended on {facts.ended_on}; this visit is after that.", "occurred_at")
    active = facts.active_goal_ids()
    bad = {str(index): {"goal_id": ["Not an active goal of this episode."]}
           for index, entry in enumerate(visit["goal_progress"]) if str(entry["goal_id"]) not in active}
    if bad:
        raise Invalid("goal_progress names goals that are not active goals of this episode.",
                      errors={"goal_progress": bad})


def check_opening(body: dict[str, Any], planned_end_on: date) -> None:
    """EpisodeOpened's rules (on opening and on correcting it): discharge date, referral <= start < planned end."""
    if body["referral_source"] == HOSPITAL_DISCHARGE and body.get("hospital_discharge_on") is None:
        raise Invalid("Required when referral_source is hospital_discharge.", "hospital_discharge_on")
    if body["started_on"] < body["referred_on"]:
        raise Invalid("Cannot be before referred_on.", "started_on")
    if planned_end_on <= body["started_on"]:
        raise Invalid("Must be after started_on.", "planned_end_on")


def check_levels(baseline: int, target: int) -> None:
    """target_level must be above baseline_level."""
    if target <= baseline:
        raise Invalid("Must be greater than baseline_level.", "target_level")


def check_closure(started_on: date, body: dict[str, Any], *, today: date | None = None) -> None:
    """The closure rules: dates, end need consistent with the outcome, a reason only where CLD has one."""
    if body["ended_on"] < started_on:
        raise Invalid("Cannot be before started_on.", "ended_on")
    if body["ended_on"] > (today or today_london()):
        raise Invalid("Cannot be in the future.", "ended_on")
    end_need = body["end_need_hours_per_week"]
    if body["outcome"] in NEEDS_END_PACKAGE and end_need <= 0:
        raise Invalid(f"Must be above 0 for outcome {body['outcome']}.", "end_need_hours_per_week")
    if body["outcome"] in NO_SERVICES and end_need != 0:
        raise Invalid(f"Must be 0 for outcome {body['outcome']}.", "end_need_hours_per_week")
    if not cessation_reason_allowed(body["outcome"], body.get("cessation_reason")):
        allowed = CESSATION_REASONS_BY_OUTCOME.get(body["outcome"])
        raise Invalid(f"Must be one of {', '.join(allowed)} for outcome {body['outcome']}." if allowed else
                      f"Only an early cessation not leading to long-term support has a reason, "
                      f"not {body['outcome']}.", "cessation_reason")


def check_follow_up(hospital_discharge_on: date | None, body: dict[str, Any], *, today: date | None = None) -> None:
    """A follow-up (recorded or corrected) cannot be assessed before the discharge it follows, nor in the future."""
    if hospital_discharge_on and body["assessed_on"] < hospital_discharge_on:
        raise Invalid("Cannot be before hospital_discharge_on.", "assessed_on")
    if body["assessed_on"] > (today or today_london()):
        raise Invalid("Cannot be in the future.", "assessed_on")
