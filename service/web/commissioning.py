"""What commissioners read: providers side by side and each contract's targets and earnings (no people)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from service.contracts.service import contract_report, list_contracts
from service.reports import queries
from service.reports.csv_output import write_csv
from service.reports.service import Period, Pricing, Viewer, providers_report
from service.web.charts import Chart, Interval, interval_chart
from service.web.effectiveness import ENGLAND_ASCOF_2A, interval_of
from service.web.labels import METRIC_LABELS

# Contracts shown on one page: a council has a handful, so one page is all of them.
CONTRACTS_SHOWN = 200


@dataclass(frozen=True)
class ProvidersPage:
    """Every provider's metrics side by side, and charts comparing them."""

    report: dict[str, Any]
    charts: dict[str, Chart]


@dataclass(frozen=True)
class ContractSummary:
    """A contract, its provider's name and its report over the contract period."""

    provider_name: str
    report: dict[str, Any]


def providers_page(session: Session, viewer: Viewer, period: Period, pricing: Pricing,
                   suppression_min_n: int) -> ProvidersPage:
    """The providers report with ASCOF 2A and % independent compared across providers."""
    report = providers_report(session, viewer, period, pricing, suppression_min_n)
    rows = report["providers"]
    charts = {
        "ascof": interval_chart("ASCOF 2A by provider (95% intervals)", [
            interval_of(row["provider_name"], row["metrics"]["ascof_2a_pct"], ENGLAND_ASCOF_2A) for row in rows]),
        "independent": interval_chart("Independent after reablement by provider (95% intervals)", [
            Interval(row["provider_name"], row["metrics"]["independent_pct"]["value"],
                     row["metrics"]["independent_pct"]["ci_low"], row["metrics"]["independent_pct"]["ci_high"])
            for row in rows]),
    }
    return ProvidersPage(report=report, charts=charts)


def contract_summaries(session: Session, viewer: Viewer, pricing: Pricing,
                       suppression_min_n: int) -> list[ContractSummary]:
    """Every contract's report over its own period: targets met and pounds earned."""
    names = dict(queries.providers(session))
    contracts, _total = list_contracts(session, 1, CONTRACTS_SHOWN)
    return [ContractSummary(provider_name=names.get(contract.provider_id, "Unknown provider"),
                            report=contract_report(session, viewer, contract.id, None, None, pricing,
                                                   suppression_min_n))
            for contract in contracts]


EARNINGS_COLUMNS = ("metric", "metric_name", "comparator", "target", "actual", "met", "weight", "earned_gbp")


def earnings_csv(report: dict[str, Any]) -> str:
    """A contract report's targets as CSV (one row per target, then the total), numbers to 2 dp as in the API."""
    rows: list[list[Any]] = [[target["metric"], METRIC_LABELS.get(target["metric"], target["metric"]),
                              target["comparator"], target["target"], target["actual"], target["met"],
                              target["weight"], target["earned_gbp"]]
                             for target in report["targets"]]
    rows.append(["total", "Total earned", "", "", "", "", "", report["earned_gbp"]])
    return write_csv(EARNINGS_COLUMNS, rows)
