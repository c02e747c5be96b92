"""Schemas of the report and export endpoints."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates_schema

from service.domain.metrics import COUNTS, METRICS, PROPORTIONS
from service.schemas import StrictSchema


def check_period(start: Any, end: Any) -> None:
    """Refuse a period whose `from` is after its `to`, naming both fields."""
    if start is not None and end is not None and start > end:
        raise ValidationError({"from": ["Must be on or before `to`."], "to": ["Must be on or after `from`."]})


class PeriodArgs(StrictSchema):
    """`?from=&to=`: a required period of inclusive dates, from <= to."""

    from_ = fields.Date(required=True, data_key="from", metadata={"description": "First day (YYYY-MM-DD)."})
    to = fields.Date(required=True, metadata={"description": "Last day, inclusive (YYYY-MM-DD)."})

    @validates_schema
    def _from_not_after_to(self, data: dict[str, Any], **_kwargs: Any) -> None:
        check_period(data.get("from_"), data.get("to"))


class ExportArgs(PeriodArgs):
    """`?from=&to=&provider_id=` (a manager's own provider when omitted)."""

    provider_id = fields.UUID(load_default=None)


class EffectivenessArgs(ExportArgs):
    """Effectiveness report query, with `?format=csv` as an alternative to `Accept: text/csv`."""

    format = fields.String(load_default=None, validate=validate.OneOf(("json", "csv")))


class ProportionOut(ma.Schema):
    """A proportion of people or goals, in percent, with its denominator and 95 % Wilson interval."""

    value = fields.Float(allow_none=True)
    n = fields.Integer()
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    suppressed = fields.Boolean()


def _metric_field(name: str) -> fields.Field[Any]:
    """The output field of one metric."""
    if name in PROPORTIONS:
        return fields.Nested(ProportionOut)
    if name in COUNTS:
        return fields.Integer()
    return fields.Float(allow_none=True)


MetricsOut = ma.Schema.from_dict({name: _metric_field(name) for name in METRICS}, name="MetricsOut")


class EffectivenessOut(ma.Schema):
    """The effectiveness report."""

    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    provider_id = fields.UUID(allow_none=True)
    hourly_rate_gbp = fields.Float()
    package_weeks = fields.Integer()
    metrics = fields.Nested(MetricsOut)


class ProviderMetricsOut(ma.Schema):
    """One provider's metrics in the side-by-side report."""

    provider_id = fields.UUID()
    provider_name = fields.String()
    metrics = fields.Nested(MetricsOut)


class ProvidersReportOut(ma.Schema):
    """Every provider's metrics side by side."""

    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    hourly_rate_gbp = fields.Float()
    package_weeks = fields.Integer()
    providers = fields.List(fields.Nested(ProviderMetricsOut))
