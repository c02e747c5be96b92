"""Request and response schemas of the episode endpoints."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from marshmallow import fields, validate

from service.domain import FLAG_NAMES
from service.domain.cld import CESSATION_REASONS
from service.domain.outcomes import OUTCOMES
from service.domain.vocabulary import FOLLOW_UP_STATUSES, GOAL_DOMAINS, REFERRAL_SOURCES
from service.schemas import PaginationArgs, StrictSchema, page_schema

LEVEL = validate.Range(min=0, max=5)
HOURS = validate.Range(min=0, max=168)
# Days a real episode could fall on; far beyond them date arithmetic (planned end, follow-up due) overflows.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
PLAUSIBLE_DAY = validate.Range(min=FIRST_DAY, max=LAST_DAY)


class EpisodeCreate(StrictSchema):
    """Open an episode."""

    person_ref = fields.String(required=True, validate=validate.Length(min=1, max=64))
    age_at_referral = fields.Integer(required=True, strict=True, validate=validate.Range(min=18, max=120))
    provider_id = fields.UUID(required=True)
    referral_source = fields.String(required=True, validate=validate.OneOf(REFERRAL_SOURCES))
    referred_on = fields.Date(required=True, validate=PLAUSIBLE_DAY)
    started_on = fields.Date(required=True, validate=PLAUSIBLE_DAY)
    planned_end_on = fields.Date(load_default=None, allow_none=True, validate=PLAUSIBLE_DAY)
    hospital_discharge_on = fields.Date(load_default=None, allow_none=True, validate=PLAUSIBLE_DAY)
    start_need_hours_per_week = fields.Float(required=True, allow_nan=False, validate=HOURS)
    worker_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=50))


class EpisodeListArgs(PaginationArgs):
    """Filters of the episode list."""

    status = fields.String(validate=validate.OneOf(("open", "closed")))
    flag = fields.String(validate=validate.OneOf(FLAG_NAMES))


class AssignmentCreate(StrictSchema):
    """Assign a worker."""

    worker_id = fields.UUID(required=True)


class GoalCreate(StrictSchema):
    """Set a goal."""

    domain = fields.String(required=True, validate=validate.OneOf(GOAL_DOMAINS))
    description = fields.String(required=True, validate=validate.Length(min=1, max=500))
    baseline_level = fields.Integer(required=True, strict=True, validate=LEVEL)
    target_level = fields.Integer(required=True, strict=True, validate=LEVEL)
    target_on = fields.Date(load_default=None, allow_none=True, validate=PLAUSIBLE_DAY)


class GoalRevision(StrictSchema):
    """Revise a goal (only the fields given change)."""

    description = fields.String(validate=validate.Length(min=1, max=500))
    target_level = fields.Integer(strict=True, validate=LEVEL)
    target_on = fields.Date(allow_none=True, validate=PLAUSIBLE_DAY)


class GoalWithdrawal(StrictSchema):
    """Withdraw a goal."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class Closure(StrictSchema):
    """Close an episode."""

    ended_on = fields.Date(required=True, validate=PLAUSIBLE_DAY)
    end_need_hours_per_week = fields.Float(required=True, allow_nan=False, validate=HOURS)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    cessation_reason = fields.String(
        allow_none=True, validate=validate.OneOf(CESSATION_REASONS),
        metadata={"description": "Why reablement stopped early, for the two early cessations the CLD return "
                                 "tells apart: `deceased` or `nhs_funded_care` with "
                                 "`early_cessation_nhs_funded_or_deceased`; `admitted_to_hospital` or `other` "
                                 "with `early_cessation_other`. Optional; any other pairing is a 422."})


class FollowUpCreate(StrictSchema):
    """The 91-day follow-up."""

    assessed_on = fields.Date(required=True, validate=PLAUSIBLE_DAY)
    status = fields.String(required=True, validate=validate.OneOf(FOLLOW_UP_STATUSES))


class Acknowledgement(StrictSchema):
    """Acknowledge a flag."""

    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class IfMatchArgs(ma.Schema):
    """The If-Match header (the ETag of the version the client read)."""

    class Meta:
        unknown = ma.EXCLUDE

    if_match = fields.String(data_key="If-Match")


class ObservationOut(ma.Schema):
    """One observed level of a goal."""

    occurred_at = fields.String()
    level = fields.Integer()
    visit_id = fields.String()


class CaseloadGoalOut(ma.Schema):
    """A goal and how far it has come, as a worker's caseload shows it (GoalOut adds the rest)."""

    id = fields.String()
    domain = fields.String()
    description = fields.String()
    baseline_level = fields.Integer()
    target_level = fields.Integer()
    current_level = fields.Integer()
    progress_pct = fields.Float()
    achieved = fields.Boolean()


class GoalOut(CaseloadGoalOut):
    """A goal with its derived progress."""

    target_on = fields.String(allow_none=True)
    status = fields.String()
    met = fields.Boolean()
    achieved_on = fields.String(allow_none=True)
    gas_score = fields.Integer()
    observations = fields.List(fields.Nested(ObservationOut))


class EpisodeRefOut(ma.Schema):
    """Which episode a row of a cross-episode list belongs to."""

    episode_id = fields.String()
    person_ref = fields.String()


class FlagOut(ma.Schema):
    """A raised flag."""

    flag = fields.String()
    raised_at = fields.String()
    detail = fields.String()
    acknowledged = fields.Boolean()


class FollowUpOut(ma.Schema):
    """The 91-day follow-up of an eligible episode."""

    due_on = fields.String()
    status = fields.String(allow_none=True)
    assessed_on = fields.String(allow_none=True)


class EpisodeOut(ma.Schema):
    """An episode as the API shows it."""

    id = fields.String()
    person_ref = fields.String()
    age_at_referral = fields.Integer()
    provider_id = fields.String()
    referral_source = fields.String()
    referred_on = fields.String()
    started_on = fields.String()
    planned_end_on = fields.String()
    hospital_discharge_on = fields.String(allow_none=True)
    status = fields.String()
    ended_on = fields.String(allow_none=True)
    start_need_hours_per_week = fields.Float()
    end_need_hours_per_week = fields.Float(allow_none=True)
    outcome = fields.String(allow_none=True)
    cessation_reason = fields.String(allow_none=True, metadata={
        "description": "Why an early cessation happened, when the closure said (see Closure)."})
    worker_ids = fields.List(fields.String())
    version = fields.Integer()
    projected_version = fields.Integer()
    visits = fields.Integer()
    contact_minutes = fields.Integer()
    last_visit_at = fields.String(allow_none=True)
    gas_t_score = fields.Float(allow_none=True)
    active_goals = fields.Integer()
    achieved_goals = fields.Integer()
    goals = fields.List(fields.Nested(GoalOut))
    flags = fields.List(fields.Nested(FlagOut))
    follow_up = fields.Nested(FollowUpOut, allow_none=True)


class EventOut(ma.Schema):
    """One event of the log."""

    id = fields.String()
    version = fields.Integer()
    sequence = fields.Integer()
    type = fields.String()
    data = fields.Dict()
    occurred_at = fields.String()
    recorded_at = fields.String()
    actor_id = fields.String(allow_none=True)
    prev_hash = fields.String()
    hash = fields.String()


EpisodePage = page_schema(EpisodeOut, "EpisodePage")
EventPage = page_schema(EventOut, "EventPage")
