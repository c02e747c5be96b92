"""Schemas of the contract endpoints."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates_schema

from service.domain.earnings import COMPARATORS
from service.domain.metrics import METRICS
from service.reports.schemas import MetricsOut, check_period
from service.reports.service import period_problems
from service.schemas import StrictSchema, page_schema

WEIGHT_TOLERANCE = 1e-9
MAX_POT_GBP = 9_999_999_999.99  # what the NUMERIC(12, 2) column holds
MAX_TARGET = 1_000_000_000.0  # beyond any metric's value (percentages, days, hours, pounds)


def whole_pence(value: float) -> None:
    """Refuse amounts with more than 2 decimal places (they would be stored rounded)."""
    amount = Decimal(repr(value))
    if not amount.is_finite() or amount.adjusted() > 15 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError("At most 2 decimal places (pounds and pence).")


class TargetIn(StrictSchema):
    """One contract target: a DOMAIN.md metric, ge|le a value, with a weight in (0, 1]."""

    metric = fields.String(required=True, validate=validate.OneOf(METRICS))
    comparator = fields.String(required=True, validate=validate.OneOf(COMPARATORS))
    value = fields.Float(required=True, validate=validate.Range(min=-MAX_TARGET, max=MAX_TARGET))
    weight = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=1))


class ContractCreate(StrictSchema):
    """A new outcomes-based contract."""

    provider_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    hourly_rate_gbp = fields.Float(load_default=None, allow_none=True,
                                   validate=[validate.Range(min=0, min_inclusive=False, max=10_000), whole_pence])
    package_weeks = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=520))
    outcome_pot_gbp = fields.Float(required=True, validate=[validate.Range(min=0, max=MAX_POT_GBP), whole_pence])
    targets = fields.List(fields.Nested(TargetIn), required=True, validate=validate.Length(min=1, max=50))

    @validates_schema
    def _period_and_weights(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors = period_problems(data["starts_on"], data["ends_on"], "starts_on", "ends_on")
        total = math.fsum(target["weight"] for target in data["targets"])
        if abs(total - 1) > WEIGHT_TOLERANCE:
            errors["targets"] = [f"Weights must sum to 1 (they sum to {total:g})."]
        if errors:
            raise ValidationError(errors)


class TargetOut(ma.Schema):
    """A contract target as stored."""

    metric = fields.String()
    comparator = fields.String()
    value = fields.Float()
    weight = fields.Float()


class ContractOut(ma.Schema):
    """A contract."""

    id = fields.UUID()
    provider_id = fields.UUID()
    name = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    hourly_rate_gbp = fields.Float(allow_none=True)
    package_weeks = fields.Integer(allow_none=True)
    outcome_pot_gbp = fields.Float()
    targets = fields.List(fields.Nested(TargetOut))
    created_at = fields.DateTime()


ContractPage = page_schema(ContractOut, "ContractPage")


class ContractReportArgs(StrictSchema):
    """`?from=&to=`, each defaulting to the contract's own period."""

    from_ = fields.Date(load_default=None, data_key="from")
    to = fields.Date(load_default=None)

    @validates_schema
    def _from_not_after_to(self, data: dict[str, Any], **_kwargs: Any) -> None:
        check_period(data.get("from_"), data.get("to"))


class TargetResultOut(ma.Schema):
    """How one target fared: actual, met (null when unknown or suppressed) and what it earned."""

    metric = fields.String()
    comparator = fields.String()
    target = fields.Float()
    actual = fields.Float(allow_none=True)
    met = fields.Boolean(allow_none=True)
    weight = fields.Float()
    earned_gbp = fields.Float()


class ContractReportOut(ma.Schema):
    """A contract report: the metrics at the contract's pricing, each target's result and the total earned."""

    contract = fields.Nested(ContractOut)
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    hourly_rate_gbp = fields.Float()
    package_weeks = fields.Integer()
    metrics = fields.Nested(MetricsOut)
    targets = fields.List(fields.Nested(TargetResultOut))
    earned_gbp = fields.Float()
