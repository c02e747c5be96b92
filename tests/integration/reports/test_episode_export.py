"""GET /exports/episodes.csv: one analysis row per episode closed in the period (not a CLD return), never across
providers; its CLD columns use the same Release 2 wording as the CLD extract."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error, headers_for, make_provider
from tests.integration.reports.rows import Row, insert_rows

URL = "/api/v1/exports/episodes.csv"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def read_csv(response: object) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))  # type: ignore[attr-defined]


def test_a_manager_exports_their_own_closures_with_release_2_wording(app: Flask, client: FlaskClient) -> None:
    mine, theirs = make_provider(app), make_provider(app)
    insert_rows(app, [
        Row(mine, person_ref="R-2", ended_on=date(2026, 3, 20), length_of_stay_days=35, start_need=31.5,
            end_need=0.0, outcome="no_services_universal_signposted"),
        Row(mine, person_ref="R-1", ended_on=date(2026, 3, 2), length_of_stay_days=42, start_need=14.0,
            end_need=7.5, outcome="long_term_support"),
        Row(mine, person_ref="R-5", ended_on=date(2026, 3, 25), length_of_stay_days=9, start_need=8.0,
            end_need=0.0, outcome="early_cessation_nhs_funded_or_deceased", cessation_reason="deceased"),
        Row(mine, person_ref="R-3", ended_on=date(2026, 4, 2)),  # after the period
        Row(mine, person_ref="R-4", ended_on=None),  # still open
        Row(theirs, person_ref="THEIRS", ended_on=date(2026, 3, 10)),
    ])
    response = client.get(URL, query_string=MARCH, headers=headers_for(app, client, "manager", mine))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "episodes.csv" in response.headers["Content-Disposition"]
    assert read_csv(response) == [
        {"person_ref": "R-1", "Event_Start_Date": "2026-01-19", "Event_End_Date": "2026-03-02",
         "Service_Type": "Short term support: ST-Max", "Service_Component": "Reablement",
         "Event_Outcome": "Progress to support planning or services", "outcome": "long_term_support",
         "start_need_hours_per_week": "14.00", "end_need_hours_per_week": "7.50", "length_of_stay_days": "42",
         "cessation_reason": ""},
        {"person_ref": "R-2", "Event_Start_Date": "2026-02-13", "Event_End_Date": "2026-03-20",
         "Service_Type": "Short term support: ST-Max", "Service_Component": "Reablement",
         "Event_Outcome": "NFA: Information and advice or signposting",
         "outcome": "no_services_universal_signposted",
         "start_need_hours_per_week": "31.50", "end_need_hours_per_week": "0.00", "length_of_stay_days": "35",
         "cessation_reason": ""},
        {"person_ref": "R-5", "Event_Start_Date": "2026-03-16", "Event_End_Date": "2026-03-25",
         "Service_Type": "Short term support: ST-Max", "Service_Component": "Reablement",
         "Event_Outcome": "NFA: Deceased", "outcome": "early_cessation_nhs_funded_or_deceased",
         "start_need_hours_per_week": "8.00", "end_need_hours_per_week": "0.00", "length_of_stay_days": "9",
         "cessation_reason": "deceased"},
    ]


def test_a_manager_cannot_export_another_providers_episodes(app: Flask, client: FlaskClient) -> None:
    mine, theirs = make_provider(app), make_provider(app)
    headers = headers_for(app, client, "manager", mine)
    assert_error(client.get(URL, query_string={**MARCH, "provider_id": str(theirs)}, headers=headers), 404)


def test_an_admin_exports_one_provider_or_all(app: Flask, client: FlaskClient) -> None:
    first, second = make_provider(app), make_provider(app)
    insert_rows(app, [Row(first, person_ref="A"), Row(second, person_ref="B")])
    headers = headers_for(app, client, "admin")
    everyone = read_csv(client.get(URL, query_string=MARCH, headers=headers))
    assert sorted(row["person_ref"] for row in everyone) == ["A", "B"]
    one = read_csv(client.get(URL, query_string={**MARCH, "provider_id": str(second)}, headers=headers))
    assert [row["person_ref"] for row in one] == ["B"]


def test_commissioners_and_workers_get_no_person_level_export(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    assert_error(client.get(URL, query_string=MARCH, headers=headers_for(app, client, "commissioner")), 403)
    assert_error(client.get(URL, query_string=MARCH, headers=headers_for(app, client, "worker", provider)), 403)


def test_an_export_period_must_not_end_before_it_starts(app: Flask, client: FlaskClient) -> None:
    headers = headers_for(app, client, "admin")
    assert_error(client.get(URL, query_string={"from": "2026-03-02", "to": "2026-03-01"}, headers=headers), 422, "to")
