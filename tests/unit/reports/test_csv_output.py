"""CSV renderings: one row per metric; one row per closed episode."""

from __future__ import annotations

import csv
import io
from datetime import date

from service.reports.csv_output import EXPORT_COLUMNS, cell, episodes_csv, metrics_csv


def test_cells_are_empty_for_null_and_numbers_keep_two_decimals() -> None:
    assert [cell(None), cell(True), cell(False), cell(3), cell(12.5), cell(date(2026, 1, 2)), cell("x")] == [
        "", "true", "false", "3", "12.50", "2026-01-02", "x"]


def test_metrics_csv_has_one_row_per_metric_with_proportion_columns() -> None:
    text = metrics_csv({
        "episodes_closed": 6,
        "need_reduction_pct": None,
        "independent_pct": {"value": 50.0, "n": 4, "ci_low": 15.0, "ci_high": 85.0, "suppressed": False},
    })
    assert list(csv.reader(io.StringIO(text))) == [
        ["metric", "value", "n", "ci_low", "ci_high", "suppressed"],
        ["episodes_closed", "6", "", "", "", ""],
        ["need_reduction_pct", "", "", "", "", ""],
        ["independent_pct", "50.00", "4", "15.00", "85.00", "false"],
    ]


def test_episode_csv_quotes_awkward_person_refs() -> None:
    row = dict.fromkeys(EXPORT_COLUMNS, "") | {"person_ref": 'A, "B"'}
    parsed = list(csv.DictReader(io.StringIO(episodes_csv([row]))))
    assert parsed[0]["person_ref"] == 'A, "B"'
