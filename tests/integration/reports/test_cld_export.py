"""GET /exports/cld.csv and /exports/cld-check: CLD Release 2 ST-Max rows, and what to fix before submission."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error, headers_for, make_provider
from tests.integration.reports.rows import Row, insert_rows

CSV_URL = "/api/v1/exports/cld.csv"
CHECK_URL = "/api/v1/exports/cld-check"
QUARTER = {"from": "2026-04-01", "to": "2026-06-30"}
LA_CODE = "E09000033"


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"LA_CODE": LA_CODE}


def read_csv(response: Any) -> tuple[list[str], list[dict[str, str]]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    reader = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_a_manager_exports_their_providers_st_max_rows_for_the_quarter(app: Flask, client: FlaskClient) -> None:
    mine, theirs = make_provider(app, kind="in_house"), make_provider(app)
    closed = Row(mine, person_ref="R-1", ended_on=date(2026, 5, 12), length_of_stay_days=40,
                 outcome="early_cessation_other", cessation_reason="admitted_to_hospital")
    open_in_period = Row(mine, person_ref="R-2", ended_on=None, open_since=date(2026, 6, 20))
    ended_after = Row(mine, person_ref="R-3", ended_on=date(2026, 7, 10), length_of_stay_days=30,
                      outcome="long_term_support")
    insert_rows(app, [
        closed, open_in_period, ended_after,
        Row(mine, person_ref="R-4", ended_on=date(2026, 3, 31)),  # ended before the quarter
        Row(mine, person_ref="R-5", ended_on=None, open_since=date(2026, 7, 1)),  # starts after it
        Row(theirs, person_ref="THEIRS", ended_on=date(2026, 5, 1)),
    ])

    response = client.get(CSV_URL, query_string=QUARTER, headers=headers_for(app, client, "manager", mine))

    assert response.mimetype == "text/csv" and "cld.csv" in response.headers["Content-Disposition"]
    header, rows = read_csv(response)
    assert header[:3] == ["LA_Code", "Reporting_Period_Start_Date", "Reporting_Period_End_Date"]
    assert {"NHS_Number", "Date_of_Birth", "Gender", "Ethnicity", "Postcode"} <= set(header)
    assert [row["LA_Person_Unique_Identifier"] for row in rows] == ["R-1", "R-3", "R-2"]  # by start date
    first = rows[0]
    assert {key: value for key, value in first.items() if value} == {
        "LA_Code": LA_CODE, "Reporting_Period_Start_Date": "01/04/2026", "Reporting_Period_End_Date": "30/06/2026",
        "LA_Person_Unique_Identifier": "R-1", "Client_Type": "Service User", "Event_Type": "Service",
        "Event_Reference": str(closed.episode_id), "Event_Start_Date": "02/04/2026",
        "Event_End_Date": "12/05/2026", "Event_Outcome": "Admitted to hospital",
        "Service_Type": "Short term support: ST-Max", "Service_Component": "Reablement",
        "Delivery_Mechanism": "CASSR commissioned support",
    }
    for row, started in ((rows[1], "10/06/2026"), (rows[2], "20/06/2026")):
        assert (row["Event_Start_Date"], row["Event_End_Date"], row["Event_Outcome"]) == (started, "", "")


def test_the_event_reference_is_stable_between_exports(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    insert_rows(app, [Row(provider, ended_on=date(2026, 5, 1))])
    headers = headers_for(app, client, "admin")
    first = read_csv(client.get(CSV_URL, query_string=QUARTER, headers=headers))[1]
    again = read_csv(client.get(CSV_URL, query_string={"from": "2026-05-01", "to": "2026-05-31"},
                                headers=headers))[1]
    assert first[0]["Event_Reference"] == again[0]["Event_Reference"]
    uuid.UUID(first[0]["Event_Reference"])


def test_an_admin_exports_one_provider_or_all(app: Flask, client: FlaskClient) -> None:
    first, second = make_provider(app), make_provider(app)
    insert_rows(app, [Row(first, person_ref="A", ended_on=date(2026, 5, 1)),
                      Row(second, person_ref="B", ended_on=date(2026, 5, 2))])
    headers = headers_for(app, client, "admin")
    everyone = read_csv(client.get(CSV_URL, query_string=QUARTER, headers=headers))[1]
    assert [row["LA_Person_Unique_Identifier"] for row in everyone] == ["A", "B"]
    one = read_csv(client.get(CSV_URL, query_string={**QUARTER, "provider_id": str(second)}, headers=headers))[1]
    assert [row["LA_Person_Unique_Identifier"] for row in one] == ["B"]


def test_an_empty_period_gives_the_header_alone(app: Flask, client: FlaskClient) -> None:
    header, rows = read_csv(client.get(CSV_URL, query_string=QUARTER, headers=headers_for(app, client, "admin")))
    assert rows == [] and "Event_Outcome" in header


@pytest.mark.parametrize("url", [CSV_URL, CHECK_URL])
def test_only_managers_and_admins_see_person_level_rows(app: Flask, client: FlaskClient, url: str) -> None:
    mine, theirs = make_provider(app), make_provider(app)
    manager = headers_for(app, client, "manager", mine)
    assert_error(client.get(url, query_string={**QUARTER, "provider_id": str(theirs)}, headers=manager), 404)
    assert_error(client.get(url, query_string={**QUARTER, "provider_id": str(uuid.uuid4())},
                            headers=headers_for(app, client, "admin")), 404)
    assert_error(client.get(url, query_string=QUARTER, headers=headers_for(app, client, "commissioner")), 403)
    assert_error(client.get(url, query_string=QUARTER, headers=headers_for(app, client, "worker", mine)), 403)
    assert_error(client.get(url, query_string=QUARTER), 401)


@pytest.mark.parametrize("url", [CSV_URL, CHECK_URL])
def test_a_bad_period_is_a_422_naming_the_field(app: Flask, client: FlaskClient, url: str) -> None:
    headers = headers_for(app, client, "admin")
    assert_error(client.get(url, query_string={"from": "2026-07-01", "to": "2026-06-30"}, headers=headers), 422, "to")
    assert_error(client.get(url, query_string={"from": "1 April", "to": "2026-06-30"}, headers=headers), 422, "from")
    assert_error(client.get(url, query_string={"to": "2026-06-30"}, headers=headers), 422, "from")
    assert_error(client.get(url, query_string={**QUARTER, "provider_id": "x"}, headers=headers), 422, "provider_id")


def test_the_check_lists_rows_to_fix_before_submission(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    clean = Row(provider, person_ref="AB123456", ended_on=date(2026, 5, 1))
    bad_ref = Row(provider, person_ref="ab-99", ended_on=date(2026, 5, 2))
    no_outcome = Row(provider, person_ref="AB000002", ended_on=date(2026, 5, 3), outcome=None)
    no_reason = Row(provider, person_ref="AB000003", ended_on=date(2026, 5, 4),
                    outcome="early_cessation_nhs_funded_or_deceased")
    insert_rows(app, [clean, bad_ref, no_outcome, no_reason])
    app.config["PERSON_REF_PATTERN"] = r"[A-Z]{2}\d{6}"
    headers = headers_for(app, client, "manager", provider)

    response = client.get(CHECK_URL, query_string=QUARTER, headers=headers)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert {key: body[key] for key in ("from", "to", "la_code", "person_ref_pattern", "rows", "errors",
                                       "warnings", "ready")} == {
        "from": "2026-04-01", "to": "2026-06-30", "la_code": LA_CODE, "person_ref_pattern": r"[A-Z]{2}\d{6}",
        "rows": 4, "errors": 2, "warnings": 1, "ready": False}
    assert [(item["event_reference"], item["person_ref"], item["reason"], item["severity"], item["field"])
            for item in body["problems"]] == [
        (str(bad_ref.episode_id), "ab-99", "person_ref_pattern", "error", "LA_Person_Unique_Identifier"),
        (str(no_outcome.episode_id), "AB000002", "outcome_missing", "error", "Event_Outcome"),
        (str(no_reason.episode_id), "AB000003", "cessation_reason_missing", "warning", "Event_Outcome"),
    ]
    assert all(item["message"] for item in body["problems"])


def test_a_clean_quarter_is_ready_but_not_without_the_councils_code(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    insert_rows(app, [Row(provider, ended_on=date(2026, 5, 1))])
    headers = headers_for(app, client, "admin")
    ready = client.get(CHECK_URL, query_string=QUARTER, headers=headers).get_json()
    assert (ready["ready"], ready["errors"], ready["problems"]) == (True, 0, [])

    app.config["LA_CODE"] = None
    unset = client.get(CHECK_URL, query_string=QUARTER, headers=headers).get_json()
    assert unset["ready"] is False and unset["la_code"] is None
    assert [(item["reason"], item["field"], item["event_reference"]) for item in unset["problems"]] == [
        ("la_code_missing", "LA_Code", None)]
    rows = read_csv(client.get(CSV_URL, query_string=QUARTER, headers=headers))[1]
    assert rows[0]["LA_Code"] == ""
