"""The effectiveness dashboard's content: the report's metrics and the charts drawn from them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from service.domain.outcomes import outcome_classes
from service.reports.service import Period, Pricing, Viewer, effectiveness_report, episode_export
from service.reports.trends import MonthTrend, monthly_trend
from service.web.charts import Chart, Interval, bar_chart, interval_chart, line_chart, scatter_chart

# England's published figures for 2019-20 (DOMAIN.md's anchors): old 2D, now 2A, and old 2B(1).
ENGLAND_ASCOF_2A = 79.5
ENGLAND_AT_HOME_91 = 82.0


@dataclass(frozen=True)
class Dashboard:
    """The report body (as the API returns it), the monthly trend and the charts."""

    report: dict[str, Any]
    trend: list[MonthTrend]
    charts: dict[str, Chart]


def default_period(today: date) -> Period:
    """The last 12 months: from the first day of the month 11 months ago to today."""
    months_back = today.year * 12 + today.month - 1 - 11
    return Period(start=date(months_back // 12, months_back % 12 + 1, 1), end=today)


def interval_of(label: str, proportion: dict[str, Any], reference: float | None) -> Interval:
    """A proportion from the report as a chart interval."""
    return Interval(label, proportion["value"], proportion["ci_low"], proportion["ci_high"], reference)


def dashboard(session: Session, viewer: Viewer, period: Period, requested: uuid.UUID | None, pricing: Pricing,
              suppression_min_n: int) -> Dashboard:
    """Every DOMAIN.md metric for the period, with need, monthly and ASCOF charts (ReportNotVisible if hidden)."""
    report = effectiveness_report(session, viewer, period, requested, pricing, suppression_min_n)
    done = [row for row in episode_export(session, viewer, period, requested)
            if outcome_classes(row["outcome"]).completed]
    trend = monthly_trend(session, report["provider_id"], period)
    labels = [month.label for month in trend]
    metrics = report["metrics"]
    charts = {
        "need": scatter_chart("Start need against end need, per completed episode",
                              [(row["start_need_hours_per_week"], row["end_need_hours_per_week"] or 0.0)
                               for row in done],
                              "Start need (h/week)", "End need (h/week)"),
        "completions": bar_chart("Completions per month", labels, [month.completions for month in trend]),
        "stay": line_chart("Mean length of stay (days)", labels,
                           [month.mean_length_of_stay_days for month in trend]),
        "independent": line_chart("Independent after reablement (%)", labels,
                                  [month.independent_pct for month in trend], "%", y_max=100),
        "ascof": interval_chart("ASCOF figures with 95% intervals", [
            interval_of("2A: no further request", metrics["ascof_2a_pct"], ENGLAND_ASCOF_2A),
            interval_of("Home at 91 days (was 2B(1))", metrics["at_home_91_pct"], ENGLAND_AT_HOME_91),
        ]),
    }
    return Dashboard(report=report, trend=trend, charts=charts)
