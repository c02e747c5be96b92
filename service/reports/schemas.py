"""Schemas of the report and export endpoints."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates_schema

from service.domain.metrics import COUNTS, DEPRECATED_ALIASES, METRICS, PROPORTIONS
from service.reports.service import period_problems
from service.schemas import StrictSchema


def check_period(start: Any, end: Any, start_name: str = "from", end_name: str = "to") -> None:
    """Refuse a period no report may cover (reversed, out of range, over 10 years), naming the fields."""
    problems = period_problems(start, end, start_name, end_name)
    if problems:
        raise ValidationError(problems)


class PeriodArgs(StrictSchema):
    """`?from=&to=`: a required period of inclusive dates, from <= to, at most 10 years, within 2000-2099."""

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


METRIC_DESCRIPTIONS: dict[str, str] = {
    "ascof_2a_pct": "ASCOF 2A (formerly 2D), computed locally: of episodes ended in the period whose outcome "
                    "counts towards it, the % with no further request for ongoing support (SALT-era groups). "
                    "DHSC's calculation from CLD differs: it counts early cessation for other reasons (not "
                    "hospital) in the numerator, and only new clients (no long-term support in the 91 days "
                    "before), which this service does not hold.",
    "ascof_2d_pct": "Deprecated: the same figure as `ascof_2a_pct` under its pre-2023-24 name. Old ASCOF 2D "
                    "(outcome of short-term services: sequel to service) is new 2A; today's 2D is the "
                    "91-day measure formerly 2B(1) (see `at_home_91_pct`). Kept in v1; read `ascof_2a_pct`.",
    "at_home_91_pct": "Older people (65+) at home 91 days after discharge from hospital into reablement "
                      "(formerly ASCOF 2B(1)); the council's local equivalent of today's 2D, which DHSC computes "
                      "by linking hospital data.",
}


def _metric_field(name: str) -> fields.Field[Any]:
    """The output field of one metric (deprecated aliases are marked so in the OpenAPI document)."""
    metadata: dict[str, Any] = {}
    if name in METRIC_DESCRIPTIONS:
        metadata["description"] = METRIC_DESCRIPTIONS[name]
    if name in DEPRECATED_ALIASES:
        metadata["deprecated"] = True
    if name in PROPORTIONS:
        return fields.Nested(ProportionOut, metadata=metadata)
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
