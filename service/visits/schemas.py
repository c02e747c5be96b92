"""Request and response schemas of the visit endpoints."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.domain.vocabulary import CONCERNS
from service.episodes.schemas import FIRST_DAY, LAST_DAY, CaseloadGoalOut
from service.input_limits import unstorable_text
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

    def load(self, data: Any, *, many: bool | None = None, partial: Any = None, unknown: Any = None) -> Any:
        """Load a visit: one in the usual shape by `read_plain_visit`, anything else by marshmallow itself.

        Both give the same result for every input the plain reader accepts, and
        it accepts nothing marshmallow refuses (tests/unit/test_visit_fast_load.py);
        whatever it is unsure of, marshmallow decides, with its own error messages.
        Under cProfile (bench/profile_hot_paths.py) marshmallow's load was 6.7 % of a visit's CPU and
        building the schema per request 5 %; the plain reader is a few field calls.
        """
        if not many and not partial and unknown in (None, ma.RAISE):
            plain = read_plain_visit(self, data)
            if plain is not None:
                return plain
        return super().load(data, many=many, partial=partial, unknown=unknown)


def _read_plain(schema_fields: Mapping[str, fields.Field[Any]], data: Any,
                lists: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """Each field's own `deserialize` (with its validators) over a dict of known keys; None when unsure.

    `lists` holds the already-read values of list fields, whose own validators then run here.
    """
    if type(data) is not dict or not data.keys() <= schema_fields.keys():
        return None
    result: dict[str, Any] = {}
    try:
        for name, field in schema_fields.items():
            if lists is not None and name in lists:
                value = lists[name]
                for validator in field.validators:
                    validator(value)
            else:
                value = field.deserialize(data.get(name, ma.missing), name, data)
            if value is not ma.missing:
                result[name] = value
    except ma.ValidationError:
        return None
    return result


def read_plain_visit(schema: VisitIn, data: Any) -> dict[str, Any] | None:
    """A visit as `VisitIn` loads it, read without the schema machinery; None for anything unusual or invalid."""
    if type(data) is not dict or unstorable_text(data) is not None:  # marshmallow refuses it, naming the field
        return None
    progress, concerns = data.get("goal_progress"), data.get("concerns", [])
    if type(progress) is not list or type(concerns) is not list:
        return None
    progress_field, concern_field = schema.fields["goal_progress"], schema.fields["concerns"]
    assert isinstance(progress_field, fields.List) and isinstance(concern_field, fields.List)
    nested = progress_field.inner
    assert isinstance(nested, fields.Nested) and isinstance(nested.schema, ma.Schema)
    entries = [_read_plain(nested.schema.fields, entry) for entry in progress]
    try:
        codes = [concern_field.inner.deserialize(code) for code in concerns]
    except ma.ValidationError:
        return None
    if any(entry is None for entry in entries):
        return None
    goal_ids = [entry["goal_id"] for entry in entries if entry is not None]
    if len(goal_ids) != len(set(goal_ids)):
        return None
    return _read_plain(schema.fields, data, {"goal_progress": entries, "concerns": codes})


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
