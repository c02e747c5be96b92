"""Item 5: text that a spreadsheet would run as a formula is neutralised in every CSV export, API and web."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from service.reports.csv_output import FORMULA_TRIGGERS, neutralised, write_csv
from tests.integration.api.world import World
from tests.integration.reports.rows import Row, insert_rows
from tests.integration.web.conftest import Browsers

PAYLOADS = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1",
            "=cmd|' /C calc'!A0")
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
ROOT = Path(__file__).resolve().parents[3]


def person_refs(text: str) -> list[str]:
    """The person_ref column of a CSV export."""
    return sorted(row["person_ref"] for row in csv.DictReader(io.StringIO(text)))


@pytest.fixture
def hostile_rows(app: Flask, world: World) -> list[str]:
    """Closed episodes of the world's provider whose person references are formulas."""
    insert_rows(app, [Row(world.provider, person_ref=payload, ended_on=date(2026, 3, 10)) for payload in PAYLOADS])
    return sorted("'" + payload for payload in PAYLOADS)


def test_the_api_export_neutralises_formulas(world: World, hostile_rows: list[str]) -> None:
    response = world.client.get("/api/v1/exports/episodes.csv", query_string=MARCH, headers=world.manager.headers)
    assert response.status_code == 200
    assert person_refs(response.get_data(as_text=True)) == hostile_rows


def test_the_web_export_neutralises_formulas(browsers: Browsers, hostile_rows: list[str]) -> None:
    response = browsers.manager.get("/reports/episodes.csv", query_string=MARCH)
    assert response.status_code == 200
    assert person_refs(response.get_data(as_text=True)) == hostile_rows


def test_the_metric_exports_are_written_by_the_same_writer(world: World, browsers: Browsers) -> None:
    """The metric CSVs hold no free text today; they come from write_csv all the same."""
    api = world.client.get("/api/v1/reports/effectiveness", query_string={**MARCH, "format": "csv"},
                           headers=world.manager.headers)
    web = browsers.manager.get("/reports/effectiveness.csv", query_string=MARCH)
    for response in (api, web):
        assert response.status_code == 200
        assert response.get_data(as_text=True).splitlines()[0] == "metric,value,n,ci_low,ci_high,suppressed"


def test_no_csv_is_written_anywhere_but_the_one_writer() -> None:
    """Any new export (e.g. a further CLD file) must call write_csv, not the csv module directly."""
    writer = ROOT / "service" / "reports" / "csv_output.py"
    offenders = [str(path.relative_to(ROOT)) for folder in ("service", "workers")
                 for path in (ROOT / folder).rglob("*.py")
                 if path != writer and re.search(r"csv\.(writer|DictWriter)\(", path.read_text())]
    assert offenders == []


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=30))
def test_no_neutralised_cell_starts_with_a_formula_trigger(text: str) -> None:
    safe = neutralised(text)
    assert not safe.startswith(FORMULA_TRIGGERS)
    assert safe in (text, "'" + text)
    parsed = list(csv.reader(io.StringIO(write_csv(["h"], [[text]]), newline="")))
    assert parsed[1] == [safe]
