"""Contracts: creation and its validation, listing, and contract reports with earnings worked out by hand."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error, headers_for, make_provider
from tests.integration.reports.rows import Row, insert_rows

URL = "/api/v1/contracts"


def contract_body(provider: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "provider_id": str(provider),
        "name": "Reablement 2026",
        "starts_on": "2026-03-01",
        "ends_on": "2026-03-31",
        "hourly_rate_gbp": 20.0,
        "package_weeks": 50,
        "outcome_pot_gbp": 10000,
        "targets": [
            {"metric": "independent_pct", "comparator": "ge", "value": 75, "weight": 0.5},
            {"metric": "mean_length_of_stay_days", "comparator": "le", "value": 40, "weight": 0.25},
            {"metric": "value_per_person_gbp", "comparator": "ge", "value": 9000, "weight": 0.25},
        ],
    }
    return {**body, **overrides}


def create(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def test_a_commissioner_creates_a_contract_and_reads_it_back(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    headers = headers_for(app, client, "commissioner")
    created = create(client, headers, contract_body(provider))
    assert uuid.UUID(created["id"])
    assert created["provider_id"] == str(provider) and created["name"] == "Reablement 2026"
    assert (created["starts_on"], created["ends_on"]) == ("2026-03-01", "2026-03-31")
    assert (created["hourly_rate_gbp"], created["package_weeks"], created["outcome_pot_gbp"]) == (20.0, 50, 10000.0)
    assert created["targets"][0] == {"metric": "independent_pct", "comparator": "ge", "value": 75.0, "weight": 0.5}
    assert created["created_at"].endswith("+00:00")
    fetched = client.get(f"{URL}/{created['id']}", headers=headers)
    assert fetched.status_code == 200 and fetched.get_json() == created


def test_contracts_are_listed_a_page_at_a_time(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    headers = headers_for(app, client, "admin")
    ids = [create(client, headers, contract_body(provider, name=f"C{i}"))["id"] for i in range(3)]
    first = client.get(URL, query_string={"page_size": 2}, headers=headers).get_json()
    second = client.get(URL, query_string={"page": 2, "page_size": 2}, headers=headers).get_json()
    assert (first["page"], first["page_size"], first["total"]) == (1, 2, 3)
    assert [c["id"] for c in first["items"] + second["items"]] == ids
    assert_error(client.get(URL, query_string={"page_size": 501}, headers=headers), 422, "page_size")


def test_an_unknown_contract_is_404(app: Flask, client: FlaskClient) -> None:
    headers = headers_for(app, client, "admin")
    assert_error(client.get(f"{URL}/{uuid.uuid4()}", headers=headers), 404)
    assert_error(client.get(f"{URL}/{uuid.uuid4()}/report", headers=headers), 404)
    assert_error(client.get(f"{URL}/not-a-uuid", headers=headers), 404)


def test_managers_and_workers_may_not_handle_contracts(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    for role in ("manager", "worker"):
        headers = headers_for(app, client, role, provider)
        assert_error(client.post(URL, json=contract_body(provider), headers=headers), 403)
        assert_error(client.get(URL, headers=headers), 403)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"targets": [{"metric": "independent_pct", "comparator": "ge", "value": 75, "weight": 0.5},
                      {"metric": "ascof_2d_pct", "comparator": "ge", "value": 75, "weight": 0.4}]}, "targets"),
        ({"targets": [{"metric": "happiness_pct", "comparator": "ge", "value": 75, "weight": 1}]}, "targets"),
        ({"targets": [{"metric": "independent_pct", "comparator": "gt", "value": 75, "weight": 1}]}, "targets"),
        ({"targets": [{"metric": "independent_pct", "comparator": "ge", "value": 75, "weight": 0},
                      {"metric": "ascof_2d_pct", "comparator": "ge", "value": 75, "weight": 1}]}, "targets"),
        ({"targets": [{"metric": "independent_pct", "comparator": "ge", "value": 75, "weight": -0.5},
                      {"metric": "ascof_2d_pct", "comparator": "ge", "value": 75, "weight": 1.5}]}, "targets"),
        ({"targets": [{"metric": "independent_pct", "comparator": "ge", "weight": 1}]}, "targets"),
        ({"targets": []}, "targets"),
        ({"starts_on": "2026-04-01"}, "ends_on"),
        ({"outcome_pot_gbp": -1}, "outcome_pot_gbp"),
        ({"outcome_pot_gbp": 100.005}, "outcome_pot_gbp"),
        ({"outcome_pot_gbp": 1e13}, "outcome_pot_gbp"),
        ({"hourly_rate_gbp": 0}, "hourly_rate_gbp"),
        ({"package_weeks": 0}, "package_weeks"),
        ({"provider_id": str(uuid.uuid4())}, "provider_id"),
        ({"name": ""}, "name"),
        ({"bonus": True}, "bonus"),
    ],
)
def test_invalid_contracts_are_422_naming_the_field(
    app: Flask, client: FlaskClient, overrides: dict[str, Any], field: str
) -> None:
    provider = make_provider(app)
    headers = headers_for(app, client, "admin")
    assert_error(client.post(URL, json=contract_body(provider, **overrides), headers=headers), 422, field)
    assert client.get(URL, headers=headers).get_json()["total"] == 0


def test_weights_that_sum_to_one_within_float_error_are_accepted(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    # 0.1 + 0.2 + 0.7 = 0.9999999999999999 in binary floating point
    targets = [{"metric": name, "comparator": "ge", "value": 1, "weight": weight}
               for name, weight in (("independent_pct", 0.1), ("ascof_2d_pct", 0.2), ("goals_achieved_pct", 0.7))]
    create(client, headers_for(app, client, "admin"), contract_body(provider, targets=targets))


def five_march_closures(provider: uuid.UUID) -> list[Row]:
    """Five completed episodes in March, s = 10 each, stays of 42 days; one leaves with a 5 h/week package."""
    return [Row(provider, start_need=10.0, end_need=0.0) for _ in range(4)] + [
        Row(provider, start_need=10.0, end_need=5.0, outcome="long_term_support")]


def test_a_contract_report_pays_the_pot_share_of_each_met_target(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    insert_rows(app, [*five_march_closures(provider), Row(provider, ended_on=date(2026, 4, 10), end_need=0.0)])
    headers = headers_for(app, client, "commissioner")
    contract = create(client, headers, contract_body(provider))
    response = client.get(f"{URL}/{contract['id']}/report", headers=headers)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    # The contract period (March) by default, at the contract's £20 × 50 weeks.
    assert (report["from"], report["to"], report["hourly_rate_gbp"], report["package_weeks"]) == (
        "2026-03-01", "2026-03-31", 20.0, 50)
    assert report["contract"] == contract
    assert report["metrics"]["episodes_closed"] == 5  # the April closure is outside the period
    # independent 4/5 = 80 % ≥ 75: met, 10,000 × 0.5 = 5,000
    # mean stay 42 days > 40: not met, 0
    # value per person (50 − 5) / 5 = 9 h × £20 × 50 = £9,000 ≥ 9,000: met, 10,000 × 0.25 = 2,500
    assert report["targets"] == [
        {"metric": "independent_pct", "comparator": "ge", "target": 75.0, "actual": 80.0, "met": True,
         "weight": 0.5, "earned_gbp": 5000.0},
        {"metric": "mean_length_of_stay_days", "comparator": "le", "target": 40.0, "actual": 42.0, "met": False,
         "weight": 0.25, "earned_gbp": 0.0},
        {"metric": "value_per_person_gbp", "comparator": "ge", "target": 9000.0, "actual": 9000.0, "met": True,
         "weight": 0.25, "earned_gbp": 2500.0},
    ]
    assert report["earned_gbp"] == 7500.0


def test_a_contract_report_over_another_period_uses_that_period(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    insert_rows(app, [*five_march_closures(provider), Row(provider, ended_on=date(2026, 4, 10), end_need=0.0)])
    headers = headers_for(app, client, "admin")
    contract = create(client, headers, contract_body(provider))
    report = client.get(f"{URL}/{contract['id']}/report", query_string={"to": "2026-04-30"}, headers=headers).get_json()
    assert (report["from"], report["to"]) == ("2026-03-01", "2026-04-30")
    # 5/6 independent = 83.33 %; value per person (60 − 5) / 6 × 1,000 = 9,166.67
    assert report["metrics"]["independent_pct"]["value"] == 83.33
    assert report["targets"][2]["actual"] == 9166.67
    assert_error(client.get(f"{URL}/{contract['id']}/report", query_string={"from": "2026-04-01"}, headers=headers),
                 422, "from")


def test_a_contract_without_pricing_uses_the_settings(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    insert_rows(app, five_march_closures(provider))
    headers = headers_for(app, client, "admin")
    contract = create(client, headers, contract_body(provider, hourly_rate_gbp=None, package_weeks=None))
    report = client.get(f"{URL}/{contract['id']}/report", headers=headers).get_json()
    assert (report["hourly_rate_gbp"], report["package_weeks"]) == (24.10, 72)
    # 9 h/week × £24.10 × 72 = £15,616.80 ≥ 9,000: met
    assert report["targets"][2]["actual"] == 15616.8 and report["targets"][2]["met"] is True


def test_a_target_on_a_suppressed_metric_is_unknown_for_a_commissioner(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    insert_rows(app, five_march_closures(provider)[1:])  # four closures: 3 of 4 independent
    targets = [{"metric": "independent_pct", "comparator": "ge", "value": 50, "weight": 0.6},
               {"metric": "episodes_completed", "comparator": "ge", "value": 4, "weight": 0.4}]
    admin = headers_for(app, client, "admin")
    contract = create(client, admin, contract_body(provider, targets=targets))
    url = f"{URL}/{contract['id']}/report"
    as_admin = client.get(url, headers=admin).get_json()
    as_commissioner = client.get(url, headers=headers_for(app, client, "commissioner")).get_json()
    # Admin: 75 % ≥ 50 met (6,000) and 4 ≥ 4 met (4,000).
    assert [(t["actual"], t["met"], t["earned_gbp"]) for t in as_admin["targets"]] == [
        (75.0, True, 6000.0), (4.0, True, 4000.0)]
    assert as_admin["earned_gbp"] == 10000.0
    # Commissioner: n = 4 < 5 is suppressed, so that target is neither met nor paid.
    assert [(t["actual"], t["met"], t["earned_gbp"]) for t in as_commissioner["targets"]] == [
        (None, None, 0.0), (4.0, True, 4000.0)]
    assert as_commissioner["earned_gbp"] == 4000.0
    assert as_commissioner["metrics"]["independent_pct"]["suppressed"] is True
