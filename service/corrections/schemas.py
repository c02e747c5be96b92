"""Schemas of the correction endpoint and of each correctable event type's replacement data."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.episodes.schemas import Closure, EpisodeCreate, FollowUpCreate, GoalCreate
from service.schemas import StrictSchema
from service.visits.schemas import VisitIn


class CorrectionIn(StrictSchema):
    """A correction: replacement `data`, or `void: true`."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    data = fields.Dict(load_default=None, allow_none=True)
    void = fields.Boolean(load_default=False)

    @ma.validates_schema
    def _one_of(self, body: dict[str, Any], **_: Any) -> None:
        """Exactly one of data and void."""
        if (body.get("data") is None) == (not body.get("void")):
            raise ma.ValidationError("Give either replacement data or void: true.", "data")


class VisitCorrection(VisitIn):
    """Replacement content of a visit (its id, episode and worker stay)."""

    class Meta:
        exclude = ("id", "episode_id")


class OpeningCorrection(EpisodeCreate):
    """Replacement content of EpisodeOpened (provider and workers are changed by other means)."""

    class Meta:
        exclude = ("provider_id", "worker_ids")


REPLACEMENT_SCHEMAS: dict[str, type[ma.Schema]] = {
    "VisitRecorded": VisitCorrection,
    "EpisodeClosed": Closure,
    "FollowUpRecorded": FollowUpCreate,
    "GoalSet": GoalCreate,
    "EpisodeOpened": OpeningCorrection,
}
