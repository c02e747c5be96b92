"""The one CSV writer of the service, and the CSV renderings built on it (metrics, episode analysis, CLD extract).

Every CSV the service produces (API and web, reports and exports) must be written with
`write_csv`: it neutralises spreadsheet formulas. A cell of text starting with `=`, `+`,
`-`, `@`, a tab or a carriage return would be run as a formula when the file is opened in
Excel or LibreOffice ("CSV injection"); as OWASP recommends, such text is prefixed with a
single quote, which spreadsheets show as text. Numbers the service formats itself are left
alone (a negative number is data, not a formula). A test fails if CSV is written anywhere else.
"""

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


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """`text` made safe to open in a spreadsheet: a leading formula character gets a `'` before it."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def cell(value: Any) -> str:
    """One CSV cell: empty for null, true/false, integers as such, other numbers with 2 decimals, text neutralised."""
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
    return neutralised(str(value))


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document with a header row; every cell goes through `cell` (formulas neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralised(name) for name in header])
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
    return write_csv(METRIC_COLUMNS, rows)


def episodes_csv(episodes: Iterable[Mapping[str, Any]]) -> str:
    """The episode analysis export (not a CLD return): one row per closed episode in `EXPORT_COLUMNS` order."""
    return write_csv(EXPORT_COLUMNS, ([episode[column] for column in EXPORT_COLUMNS] for episode in episodes))


def cld_csv(rows: Iterable[Mapping[str, str]]) -> str:
    """The CLD Release 2 extract: every CLD column, one row per ST-Max service event."""
    return write_csv(CLD_COLUMNS, ([row[column] for column in CLD_COLUMNS] for row in rows))
