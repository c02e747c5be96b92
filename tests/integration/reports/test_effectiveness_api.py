"""GET /reports/effectiveness and /reports/providers over derived rows: access, suppression, CSV, periods."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error, headers_for, make_provider
from tests.integration.reports.rows import Row, insert_rows

URL = "/api/v1/reports/effectiveness"
PROVIDERS_URL = "/api/v1/reports/providers"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def four_closures(provider: uuid.UUID) -> list[Row]:
    """Four completed episodes in March: three independent (e = 0), one with a 5 h/week package."""
    return [Row(provider, end_need=0.0), Row(provider, end_need=0.0), Row(provider, end_need=0.0),
            Row(provider, end_need=5.0, outcome="long_term_support")]


def test_a_manager_gets_their_own_provider_when_no_provider_is_named(app: Flask, client: FlaskClient) -> None:
    mine, theirs = make_provider(app), make_provider(app)
    insert_rows(app, [Row(mine, start_need=12.0, end_need=2.0), Row(theirs), Row(theirs)])
    response = client.get(URL, query_string=MARCH, headers=headers_for(app, client, "manager", mine))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["provider_id"] == str(mine) and body["from"] == "2026-03-01" and body["to"] == "2026-03-31"
    assert (body["hourly_rate_gbp"], body["package_weeks"]) == (24.10, 72)
    assert body["metrics"]["episodes_closed"] == 1
    assert body["metrics"]["mean_need_reduction_hours"] == 10.0
    assert body["metrics"]["total_value_gbp"] == 17352.0  # 10 × 24.10 × 72
    same = client.get(URL, query_string={**MARCH, "provider_id": str(mine)},
                      headers=headers_for(app, client, "manager", mine))
    assert same.get_json() == body


def test_a_manager_asking_for_another_provider_gets_404(app: Flask, client: FlaskClient) -> None:
    mine, theirs = make_provider(app), make_provider(app)
    headers = headers_for(app, client, "manager", mine)
    assert_error(client.get(URL, query_string={**MARCH, "provider_id": str(theirs)}, headers=headers), 404)
    unknown = assert_error(client.get(URL, query_string={**MARCH, "provider_id": str(uuid.uuid4())},
                                      headers=headers), 404)
    other = assert_error(client.get(URL, query_string={**MARCH, "provider_id": str(theirs)}, headers=headers), 404)
    assert unknown["message"] == other["message"]  # nothing reveals that the provider exists


def test_workers_may_not_read_reports(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    headers = headers_for(app, client, "worker", provider)
    assert_error(client.get(URL, query_string=MARCH, headers=headers), 403)
    assert_error(client.get(PROVIDERS_URL, query_string=MARCH, headers=headers), 403)
    assert_error(client.get(URL, query_string=MARCH), 401)


def test_a_commissioner_gets_small_proportions_suppressed_and_an_admin_does_not(
    app: Flask, client: FlaskClient
) -> None:
    provider = make_provider(app)
    insert_rows(app, four_closures(provider))
    query = {**MARCH, "provider_id": str(provider)}
    commissioner = client.get(URL, query_string=query, headers=headers_for(app, client, "commissioner"))
    admin = client.get(URL, query_string=query, headers=headers_for(app, client, "admin"))
    assert commissioner.status_code == admin.status_code == 200
    # independent: 3 of 4 -> 75 %, Wilson 30.06 .. 95.44; n = 4 < 5 is hidden from the commissioner.
    assert commissioner.get_json()["metrics"]["independent_pct"] == {
        "value": None, "n": 4, "ci_low": None, "ci_high": None, "suppressed": True}
    assert admin.get_json()["metrics"]["independent_pct"] == {
        "value": 75.0, "n": 4, "ci_low": 30.06, "ci_high": 95.44, "suppressed": False}
    # goals: 4 episodes × 2 active goals = 8 ≥ 5, shown to both: 4/8 = 50 %.
    assert commissioner.get_json()["metrics"]["goals_achieved_pct"]["value"] == 50.0


def test_a_fifth_closure_lifts_suppression(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    insert_rows(app, [*four_closures(provider), Row(provider, end_need=0.0)])
    body = client.get(URL, query_string=MARCH, headers=headers_for(app, client, "commissioner")).get_json()
    # 4 of 5 independent = 80 %, Wilson 37.55 .. 96.38
    assert body["metrics"]["independent_pct"] == {"value": 80.0, "n": 5, "ci_low": 37.55, "ci_high": 96.38,
                                                  "suppressed": False}
    assert body["provider_id"] is None  # every provider


def test_the_period_includes_both_ends_and_nothing_outside(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    insert_rows(app, [Row(provider, ended_on=date(2026, 3, 1)), Row(provider, ended_on=date(2026, 3, 31)),
                      Row(provider, ended_on=date(2026, 2, 28)), Row(provider, ended_on=date(2026, 4, 1)),
                      Row(provider, ended_on=None)])
    body = client.get(URL, query_string=MARCH, headers=headers_for(app, client, "admin")).get_json()
    assert body["metrics"]["episodes_closed"] == 2
    assert body["metrics"]["completions_per_week"] == 0.45  # 2 × 7 / 31 = 0.4516


@pytest.mark.parametrize(
    ("stays", "median"),
    [([30, 20, 20, 10], 20.0), ([40, 10, 30, 20], 25.0), ([5, 5, 5], 5.0), ([7], 7.0), ([1, 2], 1.5)],
)
def test_the_median_stay_takes_the_mean_of_the_middle_two_for_even_counts(
    app: Flask, client: FlaskClient, stays: list[int], median: float
) -> None:
    provider = make_provider(app)
    # An early cessation with a long stay must not count: the median is over Done only.
    insert_rows(app, [Row(provider, length_of_stay_days=days) for days in stays]
                + [Row(provider, length_of_stay_days=400, outcome="early_cessation_other")])
    body = client.get(URL, query_string=MARCH, headers=headers_for(app, client, "admin")).get_json()
    assert body["metrics"]["median_length_of_stay_days"] == median


def test_the_91_day_population_follows_the_discharge_date_not_the_closure(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    march, january = date(2026, 3, 10), date(2026, 1, 10)

    def discharged(**overrides: object) -> Row:
        values: dict[str, object] = {"referral_source": "hospital_discharge", "age": 80,
                                     "hospital_discharge_on": march, "ended_on": date(2026, 6, 1)}
        return Row(provider, **{**values, **overrides})  # type: ignore[arg-type]

    insert_rows(app, [
        discharged(follow_up_status="at_home"),
        discharged(follow_up_status="at_home", ended_on=None),  # still open: counts
        discharged(follow_up_status="in_care_home"),
        discharged(),  # pending
        discharged(age=64, follow_up_status="in_hospital"),  # under 65: not eligible
        discharged(hospital_discharge_on=january, follow_up_status="in_hospital"),  # discharged before March
        Row(provider, follow_up_status=None),  # community referral
    ])
    metrics = client.get(URL, query_string=MARCH, headers=headers_for(app, client, "admin")).get_json()["metrics"]
    # 2 at home of 3 recorded = 66.67 %, Wilson 20.77 .. 93.85; 1 pending
    assert metrics["at_home_91_pct"] == {"value": 66.67, "n": 3, "ci_low": 20.77, "ci_high": 93.85,
                                         "suppressed": False}
    assert metrics["follow_ups_pending"] == 1


def test_csv_comes_with_accept_text_csv_or_format_csv(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    insert_rows(app, four_closures(provider))
    headers = headers_for(app, client, "admin")
    by_header = client.get(URL, query_string=MARCH, headers={**headers, "Accept": "text/csv"})
    by_query = client.get(URL, query_string={**MARCH, "format": "csv"}, headers=headers)
    for response in (by_header, by_query):
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
    assert by_header.get_data(as_text=True) == by_query.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(by_query.get_data(as_text=True))))
    assert list(rows[0]) == ["metric", "value", "n", "ci_low", "ci_high", "suppressed"]
    assert len(rows) == 20  # every metric, the deprecated ascof_2d_pct included
    by_metric = {row["metric"]: row for row in rows}
    assert {**by_metric["ascof_2d_pct"], "metric": "ascof_2a_pct"} == by_metric["ascof_2a_pct"]
    assert by_metric["episodes_closed"]["value"] == "4"
    assert by_metric["independent_pct"] == {"metric": "independent_pct", "value": "75.00", "n": "4",
                                            "ci_low": "30.06", "ci_high": "95.44", "suppressed": "false"}
    assert by_metric["need_reduction_pct"]["value"] == "87.50"  # 100 × (40 − 5) / 40
    json_anyway = client.get(URL, query_string={**MARCH, "format": "json"}, headers={**headers, "Accept": "text/csv"})
    assert json_anyway.is_json


@pytest.mark.parametrize(
    ("query", "field"),
    [({"to": "2026-03-31"}, "from"), ({"from": "2026-03-01"}, "to"),
     ({"from": "2026-04-01", "to": "2026-03-31"}, "from"), ({"from": "2026-04-01", "to": "2026-03-31"}, "to"),
     ({"from": "1 March", "to": "2026-03-31"}, "from"),
     ({**MARCH, "format": "xml"}, "format"), ({**MARCH, "provider_id": "nope"}, "provider_id")],
)
def test_bad_report_queries_are_422_naming_the_field(
    app: Flask, client: FlaskClient, query: dict[str, str], field: str
) -> None:
    headers = headers_for(app, client, "admin")
    assert_error(client.get(URL, query_string=query, headers=headers), 422, field)


def test_providers_are_reported_side_by_side_with_names(app: Flask, client: FlaskClient) -> None:
    busy, idle = make_provider(app, "Busy Reablement"), make_provider(app, "Idle Reablement")
    insert_rows(app, [*four_closures(busy), Row(busy, ended_on=date(2026, 5, 1))])
    headers = headers_for(app, client, "commissioner")
    response = client.get(PROVIDERS_URL, query_string=MARCH, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["from"], body["to"], body["hourly_rate_gbp"], body["package_weeks"]) == (
        "2026-03-01", "2026-03-31", 24.10, 72)
    by_name = {row["provider_name"]: row for row in body["providers"]}
    assert by_name["Busy Reablement"]["provider_id"] == str(busy)
    assert by_name["Busy Reablement"]["metrics"]["episodes_closed"] == 4
    assert by_name["Busy Reablement"]["metrics"]["independent_pct"]["suppressed"] is True
    assert by_name["Idle Reablement"]["provider_id"] == str(idle)
    assert by_name["Idle Reablement"]["metrics"]["episodes_closed"] == 0
    assert by_name["Idle Reablement"]["metrics"]["mean_start_need_hours"] is None
    single = client.get(URL, query_string={**MARCH, "provider_id": str(busy)}, headers=headers).get_json()
    assert single["metrics"] == by_name["Busy Reablement"]["metrics"]


def test_managers_do_not_get_the_side_by_side_report(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    assert_error(client.get(PROVIDERS_URL, query_string=MARCH,
                            headers=headers_for(app, client, "manager", provider)), 403)


def test_ascof_2a_is_the_old_2d_figure_under_its_current_name(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    insert_rows(app, [
        Row(provider, outcome="no_services_no_identified_needs"),  # numerator
        Row(provider, outcome="ongoing_low_level_support"),  # numerator
        Row(provider, outcome="long_term_support", end_need=6.0),  # denominator only
        Row(provider, outcome="early_cessation_other", cessation_reason="admitted_to_hospital"),  # excluded
        Row(provider, outcome="early_cessation_other", cessation_reason="other"),  # excluded (SALT-era groups)
        Row(provider, outcome="no_services_declined"),  # excluded
    ])
    metrics = client.get(URL, query_string=MARCH, headers=headers_for(app, client, "admin")).get_json()["metrics"]
    # 2 of 3 = 66.67 %, Wilson 20.77 .. 93.85
    assert metrics["ascof_2a_pct"] == {"value": 66.67, "n": 3, "ci_low": 20.77, "ci_high": 93.85, "suppressed": False}
    assert metrics["ascof_2d_pct"] == metrics["ascof_2a_pct"]
