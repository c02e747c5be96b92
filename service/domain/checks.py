"""The write-side rules an append must pass before its event is stored (plain data in, a DomainError out)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from service.domain.calendar import london_date, today_london
from service.domain.cld import CESSATION_REASONS_BY_OUTCOME, cessation_reason_allowed
from service.domain.errors import AfterEpisodeEnd, Invalid, NoFollowUp, NotAssigned, OccurredInFuture
from service.domain.facts import EpisodeFacts
from service.domain.follow_up import FOLLOW_UP_MIN_AGE, HOSPITAL_DISCHARGE, follow_up_due_on
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
        raise OccurredInFuture("Cannot be more than 5 minutes in the future; check the phone's clock.", "occurred_at")
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


def check_follow_up(facts: EpisodeFacts, body: dict[str, Any], *, today: date | None = None) -> None:
    """The 91-day follow-up rule (ASCOF 2B(1)), for recording a follow-up and for correcting one.

    Only an eligible episode has one (referred on hospital discharge, aged 65 or over at referral: NoFollowUp naming
    the field that rules it out), assessed on or after the discharge + 91 days and not in the future (Invalid naming
    `assessed_on`). Both are 422s; the pages show the follow-up form only where this would accept it.
    """
    if facts.referral_source != HOSPITAL_DISCHARGE:
        raise NoFollowUp("Only people referred on hospital discharge have a 91-day follow-up.", "referral_source")
    if facts.age_at_referral < FOLLOW_UP_MIN_AGE:
        raise NoFollowUp(f"Only people aged {FOLLOW_UP_MIN_AGE} or over at referral have a 91-day follow-up.",
                         "age_at_referral")
    due_on = follow_up_due_on(facts.referral_source, facts.age_at_referral, facts.hospital_discharge_on)
    if due_on is None:
        raise NoFollowUp("The episode has no hospital discharge date to count 91 days from.", "hospital_discharge_on")
    if body["assessed_on"] < due_on:
        raise Invalid(f"Must be on or after {due_on.isoformat()}, 91 days after the hospital discharge.",
                      "assessed_on")
    if body["assessed_on"] > (today or today_london()):
        raise Invalid("Cannot be in the future.", "assessed_on")
