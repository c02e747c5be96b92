"""Effectiveness reports and the CLD episode export: who may see which provider, and what they get."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from service.domain.cld import SERVICE_COMPONENT_REABLEMENT, SERVICE_TYPE_ST_MAX, event_outcome
from service.domain.errors import Invalid, ReportNotVisible
from service.domain.metrics import Aggregates, compute_metrics
from service.reports import queries

# Roles confined to their own provider; commissioners get suppressed aggregates.
PROVIDER_ROLES = ("worker", "manager")
SUPPRESSED_ROLES = ("commissioner",)


@dataclass(frozen=True)
class Viewer:
    """Who is asking: their role and, for provider roles, their provider."""

    role: str
    provider_id: uuid.UUID | None


@dataclass(frozen=True)
class Pricing:
    """Hourly cost of home care and the expected length of a long-term package."""

    hourly_rate_gbp: float
    package_weeks: int


# A report covers at most 10 years (3,653 days with leap days), on days an episode could fall on:
# longer periods hold a web worker for seconds and hundreds of megabytes for no real question.
MAX_PERIOD_YEARS = 10
MAX_PERIOD_DAYS = 3653
FIRST_REPORT_DAY, LAST_REPORT_DAY = date(2000, 1, 1), date(2099, 12, 31)


def period_problems(start: date | None, end: date | None, start_name: str = "from",
                    end_name: str = "to") -> dict[str, list[str]]:
    """Why [start, end] is not a period a report may cover, by field name (empty: it may)."""
    problems: dict[str, list[str]] = {}
    for name, day in ((start_name, start), (end_name, end)):
        if day is not None and not FIRST_REPORT_DAY <= day <= LAST_REPORT_DAY:
            problems[name] = [f"Must be between {FIRST_REPORT_DAY} and {LAST_REPORT_DAY}."]
    if problems or start is None or end is None:
        return problems
    if start > end:
        return {start_name: [f"Must be on or before `{end_name}`."], end_name: [f"Must be on or after `{start_name}`."]}
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        return {end_name: [f"A period covers at most {MAX_PERIOD_YEARS} years ({MAX_PERIOD_DAYS} days)."]}
    return problems


@dataclass(frozen=True)
class Period:
    """A report period [start, end], both dates inclusive, at most `MAX_PERIOD_YEARS` long."""

    start: date
    end: date

    def __post_init__(self) -> None:
        """Refuse a period no report may cover (422 naming `from`/`to`); request schemas check it first."""
        problems = period_problems(self.start, self.end)
        if problems:
            raise Invalid("The report period is not valid; see errors.", errors=problems)

    @property
    def days(self) -> int:
        """Number of days in the period, counting both ends."""
        return (self.end - self.start).days + 1


def default_pricing(settings: Mapping[str, Any]) -> Pricing:
    """The pricing in the service settings (HOURLY_RATE_GBP, PACKAGE_WEEKS)."""
    return Pricing(hourly_rate_gbp=float(settings["HOURLY_RATE_GBP"]), package_weeks=int(settings["PACKAGE_WEEKS"]))


def visible_provider(session: Session, viewer: Viewer, requested: uuid.UUID | None) -> uuid.UUID | None:
    """The provider a report covers (None: all); raises ReportNotVisible for unknown or others' providers."""
    if viewer.role in PROVIDER_ROLES:
        if requested is not None and requested != viewer.provider_id:
            raise ReportNotVisible("No such provider.")
        return viewer.provider_id
    if requested is not None and not queries.provider_exists(session, requested):
        raise ReportNotVisible("No such provider.")
    return requested


def suppression_for(viewer: Viewer, suppression_min_n: int) -> int | None:
    """The minimum n below which proportions are hidden from this viewer (None: never)."""
    return suppression_min_n if viewer.role in SUPPRESSED_ROLES else None


def metrics_for(aggregates: Aggregates, period: Period, pricing: Pricing,
                suppression_min_n: int | None) -> dict[str, Any]:
    """Every metric of one population at the given pricing."""
    return compute_metrics(aggregates, rate=pricing.hourly_rate_gbp, weeks=pricing.package_weeks,
                           days_in_period=period.days, suppression_min_n=suppression_min_n)


def provider_metrics(session: Session, provider_id: uuid.UUID | None, period: Period, pricing: Pricing,
                     suppression_min_n: int | None) -> dict[str, Any]:
    """Every metric for one provider (or all providers when None) over the period."""
    aggregates = queries.aggregate_period(session, period.start, period.end, provider_id)
    return metrics_for(aggregates, period, pricing, suppression_min_n)


def effectiveness_report(session: Session, viewer: Viewer, period: Period, requested: uuid.UUID | None,
                         pricing: Pricing, suppression_min_n: int) -> dict[str, Any]:
    """The effectiveness report body for `viewer` (suppressed for commissioners)."""
    provider_id = visible_provider(session, viewer, requested)
    metrics = provider_metrics(session, provider_id, period, pricing, suppression_for(viewer, suppression_min_n))
    return {"from": period.start, "to": period.end, "provider_id": provider_id,
            "hourly_rate_gbp": pricing.hourly_rate_gbp, "package_weeks": pricing.package_weeks, "metrics": metrics}


def providers_report(session: Session, viewer: Viewer, period: Period, pricing: Pricing,
                     suppression_min_n: int) -> dict[str, Any]:
    """Every provider's metrics side by side (providers without episodes get empty-set metrics)."""
    by_provider = queries.aggregate_period_by_provider(session, period.start, period.end)
    suppression = suppression_for(viewer, suppression_min_n)
    rows = [
        {"provider_id": provider_id, "provider_name": name,
         "metrics": metrics_for(by_provider.get(provider_id, Aggregates()), period, pricing, suppression)}
        for provider_id, name in queries.providers(session)
    ]
    return {"from": period.start, "to": period.end, "hourly_rate_gbp": pricing.hourly_rate_gbp,
            "package_weeks": pricing.package_weeks, "providers": rows}


def episode_export(session: Session, viewer: Viewer, period: Period,
                   requested: uuid.UUID | None) -> list[dict[str, Any]]:
    """One analysis row per episode closed in the period, for the provider(s) the viewer may see.

    Not a CLD return (that is `service.exports.cld`): our own outcome, cessation reason, needs and
    length of stay beside the Release 2 Service_Type, Service_Component and Event_Outcome.
    """
    provider_id = visible_provider(session, viewer, requested)
    return [
        {
            "person_ref": episode["person_ref"],
            "Event_Start_Date": episode["started_on"],
            "Event_End_Date": episode["ended_on"],
            "Service_Type": SERVICE_TYPE_ST_MAX,
            "Service_Component": SERVICE_COMPONENT_REABLEMENT,
            "Event_Outcome": event_outcome(episode["outcome"], episode["cessation_reason"]),
            "outcome": episode["outcome"],
            "cessation_reason": episode["cessation_reason"],
            "start_need_hours_per_week": episode["start_need_hours_per_week"],
            "end_need_hours_per_week": episode["end_need_hours_per_week"],
            "length_of_stay_days": episode["length_of_stay_days"],
        }
        for episode in queries.closed_episodes(session, period.start, period.end, provider_id)
    ]
