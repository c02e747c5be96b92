"""The SQL aggregation gives what a plain Python computation over the same rows gives, metric by metric."""

from __future__ import annotations

import math
import random
import statistics
import uuid
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import headers_for, make_provider
from tests.integration.reports.rows import Row, insert_rows

URL = "/api/v1/reports/effectiveness"
START, END = date(2026, 3, 1), date(2026, 3, 31)

# Written out again from DOMAIN.md's outcome table rather than imported, so the check is independent.
EARLY = {"early_cessation_nhs_funded_or_deceased", "early_cessation_other", "early_cessation_to_long_term_support"}
NUMERATOR = {"ongoing_low_level_support", "short_term_support_other", "no_services_universal_signposted",
             "no_services_no_identified_needs"}
DENOMINATOR = NUMERATOR | {"early_cessation_to_long_term_support", "long_term_support"}
NEEDS_PACKAGE = {"long_term_support", "early_cessation_to_long_term_support"}
NO_SERVICES = {"no_services_self_funding", "no_services_declined", "no_services_universal_signposted",
               "no_services_no_identified_needs"}
OUTCOMES = sorted(EARLY | DENOMINATOR | NO_SERVICES)


def random_cohort(providers: list[uuid.UUID], size: int, seed: int) -> list[Row]:
    """Closed, open, early-ceased and hospital-discharge episodes around March 2026."""
    rng = random.Random(seed)
    rows = []
    for _ in range(size):
        outcome = rng.choice(OUTCOMES)
        start_need = rng.choice([0.0, round(rng.uniform(0, 40), 1)])
        if outcome in NEEDS_PACKAGE:
            end_need = round(rng.uniform(0.5, 30), 1)
        elif outcome in NO_SERVICES:
            end_need = 0.0
        else:
            end_need = rng.choice([0.0, round(rng.uniform(0, 20), 1)])
        hospital = rng.random() < 0.5
        rows.append(Row(
            rng.choice(providers),
            ended_on=None if rng.random() < 0.1 else date(2026, 2, 20) + timedelta(days=rng.randint(0, 50)),
            length_of_stay_days=rng.randint(3, 60),
            start_need=start_need, end_need=end_need, outcome=outcome,
            referral_source="hospital_discharge" if hospital else "community",
            age=rng.randint(55, 99),
            hospital_discharge_on=date(2026, 2, 15) + timedelta(days=rng.randint(0, 60)) if hospital else None,
            follow_up_status=rng.choice([None, "at_home", "at_home", "in_hospital", "in_care_home", "deceased"]),
            contact_minutes=rng.randint(0, 2000),
            gas_t_score=None if rng.random() < 0.2 else round(rng.uniform(25, 75), 3),
            active_goals=(active := rng.randint(0, 4)), achieved_goals=rng.randint(0, active),
        ))
    return rows


def wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959964
    p = k / n
    centre, spread = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - spread) / (1 + z * z / n), 100 * (centre + spread) / (1 + z * z / n)


def share(k: int, n: int) -> dict[str, Any]:
    if n == 0:
        return {"value": None, "n": 0, "ci_low": None, "ci_high": None}
    low, high = wilson(k, n)
    return {"value": 100 * k / n, "n": n, "ci_low": low, "ci_high": high}


def mean_or_none(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def expected(rows: list[Row], rate: float, weeks: float) -> dict[str, Any]:
    """Every metric straight from DOMAIN.md's definitions, episode by episode."""
    closed = [r for r in rows if r.ended_on is not None and START <= r.ended_on <= END]
    done = [r for r in closed if r.outcome not in EARLY]
    ends = [r.end_need or 0.0 for r in done]
    reductions = [r.start_need - (r.end_need or 0.0) for r in done]
    population = [r for r in rows if r.follow_up_eligible and r.hospital_discharge_on is not None
                  and START <= r.hospital_discharge_on <= END]
    recorded = [r for r in population if r.follow_up_status is not None]
    total_start = sum(r.start_need for r in done)
    stays = [r.length_of_stay_days for r in done if r.length_of_stay_days is not None]
    return {
        "episodes_closed": len(closed),
        "episodes_completed": len(done),
        "completions_per_week": len(done) * 7 / ((END - START).days + 1),
        "mean_length_of_stay_days": mean_or_none([float(s) for s in stays]),
        "median_length_of_stay_days": statistics.median(stays) if stays else None,
        "mean_start_need_hours": mean_or_none([r.start_need for r in done]),
        "mean_end_need_hours": mean_or_none(ends),
        "mean_need_reduction_hours": mean_or_none(reductions),
        "need_reduction_pct": 100 * sum(reductions) / total_start if total_start else None,
        "independent_pct": share(sum(1 for e in ends if e == 0), len(done)),
        "mean_ongoing_cost_per_week_gbp": mean_or_none([e * rate for e in ends]),
        "value_per_person_gbp": mean_or_none([d * rate * weeks for d in reductions]),
        "total_value_gbp": sum(d * rate * weeks for d in reductions),
        "ascof_2a_pct": share(sum(1 for r in closed if r.outcome in NUMERATOR),
                              sum(1 for r in closed if r.outcome in DENOMINATOR)),
        "ascof_2d_pct": share(sum(1 for r in closed if r.outcome in NUMERATOR),
                              sum(1 for r in closed if r.outcome in DENOMINATOR)),
        "at_home_91_pct": share(sum(1 for r in recorded if r.follow_up_status == "at_home"), len(recorded)),
        "follow_ups_pending": len(population) - len(recorded),
        "goals_achieved_pct": share(sum(r.achieved_goals for r in done), sum(r.active_goals for r in done)),
        "mean_gas_t_score": mean_or_none([r.gas_t_score for r in done if r.gas_t_score is not None]),
        "mean_contact_hours": mean_or_none([r.contact_minutes / 60 for r in done]),
    }


def assert_close(actual: Any, wanted: Any, name: str) -> None:
    """Numbers within 0.01 (DOMAIN.md's tolerance), nulls as nulls."""
    if wanted is None or actual is None:
        assert actual is wanted is None, (name, actual, wanted)
    else:
        assert abs(actual - wanted) <= 0.01, (name, actual, wanted)


def assert_report_matches(report: dict[str, Any], wanted: dict[str, Any]) -> None:
    assert list(report) == list(wanted)
    for name, value in wanted.items():
        if isinstance(value, dict):
            assert report[name]["n"] == value["n"] and report[name]["suppressed"] is False, name
            for part in ("value", "ci_low", "ci_high"):
                assert_close(report[name][part], value[part], f"{name}.{part}")
        else:
            assert_close(report[name], value, name)


def test_sql_report_equals_a_python_computation_over_the_same_rows(app: Flask, client: FlaskClient) -> None:
    providers = [make_provider(app), make_provider(app)]
    rows = random_cohort(providers, 160, seed=20260301)
    insert_rows(app, rows)
    headers = headers_for(app, client, "admin")
    query = {"from": START.isoformat(), "to": END.isoformat()}
    everyone = client.get(URL, query_string=query, headers=headers).get_json()["metrics"]
    assert_report_matches(everyone, expected(rows, 24.10, 72))
    for provider in providers:
        one = client.get(URL, query_string={**query, "provider_id": str(provider)}, headers=headers)
        assert_report_matches(one.get_json()["metrics"],
                              expected([r for r in rows if r.provider_id == provider], 24.10, 72))
    side_by_side = client.get("/api/v1/reports/providers", query_string=query, headers=headers).get_json()
    for entry in side_by_side["providers"]:
        mine = [r for r in rows if str(r.provider_id) == entry["provider_id"]]
        assert_report_matches(entry["metrics"], expected(mine, 24.10, 72))
