"""The one CSV writer: effectiveness metrics, the episode analysis export and the CLD Release 2 extract."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from service.domain.cld import COLUMNS as CLD_COLUMNS

METRIC_COLUMNS: tuple[str, ...] = ("metric", "value", "n", "ci_low", "ci_high", "suppressed")
EXPORT_COLUMNS: tuple[str, ...] = (
    "person_ref",
    "Event_Start_Date",
    "Event_End_Date",
    "Service_Type",
    "Service_Component",
    "Event_Outcome",
    "outcome",
    "start_need_hours_per_week",
    "end_need_hours_per_week",
    "length_of_stay_days",
    "cessation_reason",
)


def cell(value: Any) -> str:
    """One CSV cell: empty for null, true/false, integers as such, other numbers with 2 decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _render(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def metrics_csv(metrics: Mapping[str, Any]) -> str:
    """One row per metric: metric,value,n,ci_low,ci_high,suppressed (the last four only for proportions)."""
    rows = []
    for name, value in metrics.items():
        if isinstance(value, Mapping):
            rows.append((name, value["value"], value["n"], value["ci_low"], value["ci_high"], value["suppressed"]))
        else:
            rows.append((name, value, None, None, None, None))
    return _render(METRIC_COLUMNS, rows)


def episodes_csv(episodes: Iterable[Mapping[str, Any]]) -> str:
    """The episode analysis export (not a CLD return): one row per closed episode in `EXPORT_COLUMNS` order."""
    return _render(EXPORT_COLUMNS, ([episode[column] for column in EXPORT_COLUMNS] for episode in episodes))


def cld_csv(rows: Iterable[Mapping[str, str]]) -> str:
    """The CLD Release 2 extract: every CLD column, one row per ST-Max service event."""
    return _render(CLD_COLUMNS, ([row[column] for column in CLD_COLUMNS] for row in rows))
