"""What a provider earns from its contract targets, given the report's metrics (plain data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from service.domain.metrics import metric_actual, round_2dp

COMPARATORS: tuple[str, ...] = ("ge", "le")


def target_met(actual: float | None, comparator: str, target: float) -> bool | None:
    """Whether `actual` meets the target (ge: at least, le: at most); None when the actual is unknown."""
    if actual is None:
        return None
    if comparator == "ge":
        return actual >= target
    if comparator == "le":
        return actual <= target
    raise ValueError(f"unknown comparator {comparator!r}")


def evaluate_targets(metrics: Mapping[str, Any], targets: Iterable[Mapping[str, Any]],
                     pot_gbp: float) -> tuple[list[dict[str, Any]], float]:
    """Per target {metric, comparator, target, actual, met, weight, earned_gbp}, and the total earned.

    A met target earns pot × weight; unmet or unknown (null, suppressed) earns 0.
    The total is the sum of the rounded per-target figures, so the lines add up.
    """
    results = []
    for target in targets:
        actual = metric_actual(metrics, target["metric"])
        met = target_met(actual, target["comparator"], target["value"])
        earned = round_2dp(pot_gbp * target["weight"]) if met else 0.0
        results.append({
            "metric": target["metric"],
            "comparator": target["comparator"],
            "target": target["value"],
            "actual": actual,
            "met": met,
            "weight": target["weight"],
            "earned_gbp": earned,
        })
    total = round_2dp(sum(result["earned_gbp"] for result in results)) or 0.0
    return results, total
