"""Request and response schemas of the visit endpoints."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.domain.vocabulary import CONCERNS
from service.episodes.schemas import FIRST_DAY, LAST_DAY, CaseloadGoalOut
from service.schemas import AwareDateTime, StrictSchema, sometimes_absent

MAX_BATCH = 500
# Instants a real visit could have; far beyond them converting to UTC or London time overflows.
PLAUSIBLE_INSTANT = validate.Range(min=datetime.combine(FIRST_DAY, time(), UTC),
                                   max=datetime.combine(LAST_DAY, time.max, UTC))


class GoalProgressIn(StrictSchema):
    """The level observed for one goal at this visit."""

    goal_id = fields.UUID(required=True)
    level = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=5))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class VisitIn(StrictSchema):
    """One visit as the phone sends it; `id` is generated on the phone and is the idempotency key."""

    id = fields.UUID(required=True)
    episode_id = fields.UUID(required=True)
    occurred_at = AwareDateTime(required=True, validate=PLAUSIBLE_INSTANT)
    duration_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=720))
    carers = fields.Integer(required=True, strict=True, validate=validate.OneOf((1, 2)))
    goal_progress = fields.List(fields.Nested(GoalProgressIn), required=True, validate=validate.Length(max=50))
    wellbeing = fields.Integer(load_default=None, allow_none=True, strict=True,
                               validate=validate.Range(min=1, max=5))
    concerns = fields.List(fields.String(validate=validate.OneOf(CONCERNS)), load_default=list,
                           validate=validate.Length(max=len(CONCERNS)))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    ready_for_discharge = fields.Boolean(load_default=None, allow_none=True)

    @ma.validates_schema
    def _goals_once(self, data: dict[str, Any], **_: Any) -> None:
        """Each goal at most once per visit."""
        goal_ids = [entry["goal_id"] for entry in data.get("goal_progress", [])]
        if len(goal_ids) != len(set(goal_ids)):
            raise ma.ValidationError("Each goal_id may appear only once.", "goal_progress")


class VisitOut(ma.Schema):
    """The receipt for a recorded visit."""

    id = fields.String()
    episode_id = fields.String()
    event_id = fields.String()
    received_at = fields.String()


class RawVisit(fields.Nested):
    """Documents a batch item as a visit but hands it over unparsed (even null), so each visit is judged alone."""

    def deserialize(self, value: Any, attr: str | None = None, data: Mapping[str, Any] | None = None,
                    **kwargs: Any) -> Any:
        """Return the item as sent; record_batch validates it and reports a bad one in its own result."""
        return value


class BatchIn(StrictSchema):
    """1-500 visits synced from a phone."""

    JUDGED_ALONE = ("visits",)

    visits = fields.List(RawVisit(VisitIn), required=True, validate=validate.Length(min=1, max=MAX_BATCH))


class BatchResultOut(ma.Schema):
    """What happened to one visit of a batch (`status` is what the single endpoint would answer)."""

    id = fields.Raw(metadata={"description": "The visit's id as sent (anything, if the visit was not valid)."})
    status = fields.Integer()
    event_id = sometimes_absent(fields.String(metadata={"description": "When status is 200 or 201."}))
    reason = sometimes_absent(fields.String(metadata={"description": "When the visit was refused: why, as in the "
                                                                     "error body."}))
    errors = sometimes_absent(fields.Dict(metadata={"description": "When the visit was refused."}))
    message = sometimes_absent(fields.String(metadata={"description": "When the visit was refused."}))


class BatchOut(ma.Schema):
    """Results in the order of the visits sent."""

    results = fields.List(fields.Nested(BatchResultOut))


class CaseloadEpisodeOut(ma.Schema):
    """An open episode the worker is assigned to."""

    id = fields.String()
    person_ref = fields.String()
    started_on = fields.String()
    planned_end_on = fields.String()
    version = fields.Integer()
    last_visit_at = fields.String(allow_none=True,
                                  metadata={"description": "When the person was last visited, by any worker"})
    goals = fields.List(fields.Nested(CaseloadGoalOut))


class CaseloadOut(ma.Schema):
    """The signed-in worker's caseload."""

    items = fields.List(fields.Nested(CaseloadEpisodeOut))
