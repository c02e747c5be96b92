"""Contract targets: met, unmet, unknown, and what the provider earns."""

from __future__ import annotations

import pytest

from service.domain.earnings import evaluate_targets, target_met

METRICS = {
    "independent_pct": {"value": 62.5, "n": 8, "ci_low": 30.57, "ci_high": 86.32, "suppressed": False},
    "ascof_2d_pct": {"value": None, "n": 3, "ci_low": None, "ci_high": None, "suppressed": True},
    "mean_length_of_stay_days": 38.0,
    "mean_gas_t_score": None,
}


@pytest.mark.parametrize(
    ("actual", "comparator", "target", "met"),
    [(60.0, "ge", 60.0, True), (59.99, "ge", 60.0, False), (42.0, "le", 42.0, True), (42.01, "le", 42.0, False),
     (None, "ge", 1.0, None)],
)
def test_ge_means_at_least_and_le_at_most(actual: float | None, comparator: str, target: float,
                                          met: bool | None) -> None:
    assert target_met(actual, comparator, target) is met


def test_earnings_are_pot_times_weight_for_met_targets_only() -> None:
    targets = [
        {"metric": "independent_pct", "comparator": "ge", "value": 60, "weight": 0.3},  # 62.5 ≥ 60: met
        {"metric": "mean_length_of_stay_days", "comparator": "le", "value": 35, "weight": 0.2},  # 38 > 35: unmet
        {"metric": "ascof_2d_pct", "comparator": "ge", "value": 75, "weight": 0.4},  # suppressed: unknown
        {"metric": "mean_gas_t_score", "comparator": "ge", "value": 50, "weight": 0.1},  # null: unknown
    ]
    results, total = evaluate_targets(METRICS, targets, 10_000.0)
    # 10,000 × 0.3 = 3,000.00 (the float product is 3000.0000000000005, shown rounded)
    assert [(r["actual"], r["met"], r["earned_gbp"]) for r in results] == [
        (62.5, True, 3000.0), (38.0, False, 0.0), (None, None, 0.0), (None, None, 0.0)]
    assert total == 3000.0
    assert results[0] == {"metric": "independent_pct", "comparator": "ge", "target": 60, "actual": 62.5,
                          "met": True, "weight": 0.3, "earned_gbp": 3000.0}


def test_the_total_is_the_sum_of_the_rounded_lines() -> None:
    # Pot £100.01 split in thirds: each line 33.336666... -> 33.34; total 3 × 33.34 = 100.02
    third = 1 / 3
    targets = [{"metric": "mean_length_of_stay_days", "comparator": "le", "value": 40, "weight": third}] * 3
    results, total = evaluate_targets(METRICS, targets, 100.01)
    assert [r["earned_gbp"] for r in results] == [33.34, 33.34, 33.34]
    assert total == 100.02
