"""Effectiveness metrics (DOMAIN.md) from aggregate sums and counts: plain data in, plain data out.

Rounding: every reported number goes through `round_2dp`, which rounds the
float's shortest decimal representation (its `repr`) half up to 2 places, so
0.125 -> 0.13 and 1.005 -> 1.01 as a person would round the printed figure,
rather than Python's `round`, which works on the binary value (1.005 -> 1.0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Z_95 = 1.959964

PROPORTIONS: tuple[str, ...] = ("independent_pct", "ascof_2a_pct", "ascof_2d_pct", "at_home_91_pct",
                                "goals_achieved_pct")
COUNTS: tuple[str, ...] = ("episodes_closed", "episodes_completed", "follow_ups_pending")
METRICS: tuple[str, ...] = (
    "episodes_closed",
    "episodes_completed",
    "completions_per_week",
    "mean_length_of_stay_days",
    "median_length_of_stay_days",
    "mean_start_need_hours",
    "mean_end_need_hours",
    "mean_need_reduction_hours",
    "need_reduction_pct",
    "independent_pct",
    "mean_ongoing_cost_per_week_gbp",
    "value_per_person_gbp",
    "total_value_gbp",
    "ascof_2a_pct",
    "ascof_2d_pct",
    "at_home_91_pct",
    "follow_ups_pending",
    "goals_achieved_pct",
    "mean_gas_t_score",
    "mean_contact_hours",
)

# Old names kept in v1 responses, each with the metric it is now called (the 2023-24 ASCOF refresh
# renumbered "short-term services: no further request for support" from 2D to 2A).
DEPRECATED_ALIASES: dict[str, str] = {"ascof_2d_pct": "ascof_2a_pct"}

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Aggregates:
    """Sums and counts over one population, as the SQL aggregation returns them.

    Every `*_sum` and the median are over Done (C minus early cessation) unless
    named otherwise; the follow-up counts are over the 91-day population.
    """

    episodes_closed: int = 0
    episodes_completed: int = 0
    length_of_stay_n: int = 0
    length_of_stay_sum: float = 0.0
    length_of_stay_median: float | None = None
    start_need_sum: float = 0.0
    end_need_sum: float = 0.0
    independent: int = 0
    ascof_2a_numerator: int = 0
    ascof_2a_denominator: int = 0
    follow_ups_recorded: int = 0
    follow_ups_at_home: int = 0
    follow_ups_pending: int = 0
    active_goals: int = 0
    achieved_goals: int = 0
    gas_t_score_n: int = 0
    gas_t_score_sum: float = 0.0
    contact_minutes_sum: float = 0.0


@dataclass(frozen=True)
class Proportion:
    """A percentage of people or goals with its denominator `n` and 95 % Wilson interval."""

    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    suppressed: bool

    def as_dict(self) -> dict[str, Any]:
        """The API shape {"value", "n", "ci_low", "ci_high", "suppressed"}."""
        return asdict(self)


def round_2dp(value: float | None) -> float | None:
    """Round half up to 2 decimal places on the decimal representation; None stays None."""
    if value is None:
        return None
    rounded = float(Decimal(repr(float(value))).quantize(_CENT, rounding=ROUND_HALF_UP))
    return rounded + 0.0  # turns -0.0 into 0.0


def mean(total: float, count: int) -> float | None:
    """total / count, or None over an empty set (never 0)."""
    return total / count if count else None


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of successes/n, as fractions in [0, 1]."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n > 0, got {successes}/{n}")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def proportion(successes: int, n: int, *, suppression_min_n: int | None = None) -> Proportion:
    """successes/n in percent with its Wilson interval; suppressed when n < suppression_min_n."""
    if suppression_min_n is not None and n < suppression_min_n:
        return Proportion(value=None, n=n, ci_low=None, ci_high=None, suppressed=True)
    if n == 0:
        return Proportion(value=None, n=0, ci_low=None, ci_high=None, suppressed=False)
    low, high = wilson_interval(successes, n)
    return Proportion(
        value=round_2dp(100 * successes / n),
        n=n,
        ci_low=round_2dp(100 * low),
        ci_high=round_2dp(100 * high),
        suppressed=False,
    )


def is_independent(end_need_hours_per_week: float | None) -> bool:
    """A Done episode ends independent when no ongoing care is needed (0 hours a week)."""
    return end_need_hours_per_week == 0


def independent_pct(independent: int, completed: int, *, suppression_min_n: int | None = None) -> Proportion:
    """The share of Done episodes that ended independent, in percent with its Wilson interval."""
    return proportion(independent, completed, suppression_min_n=suppression_min_n)


def compute_metrics(
    aggregates: Aggregates,
    *,
    rate: float,
    weeks: float,
    days_in_period: int,
    suppression_min_n: int | None = None,
) -> dict[str, Any]:
    """Every DOMAIN.md metric, rounded, in `METRICS` order; proportions as `Proportion` dicts."""
    if days_in_period <= 0:
        raise ValueError("a period has at least one day")
    a = aggregates
    done = a.episodes_completed
    reduction_sum = a.start_need_sum - a.end_need_sum

    def share(successes: int, n: int) -> dict[str, Any]:
        return proportion(successes, n, suppression_min_n=suppression_min_n).as_dict()

    return {
        "episodes_closed": a.episodes_closed,
        "episodes_completed": done,
        "completions_per_week": round_2dp(done * 7 / days_in_period),
        "mean_length_of_stay_days": round_2dp(mean(a.length_of_stay_sum, a.length_of_stay_n)),
        "median_length_of_stay_days": round_2dp(a.length_of_stay_median),
        "mean_start_need_hours": round_2dp(mean(a.start_need_sum, done)),
        "mean_end_need_hours": round_2dp(mean(a.end_need_sum, done)),
        "mean_need_reduction_hours": round_2dp(mean(reduction_sum, done)),
        "need_reduction_pct": round_2dp(100 * reduction_sum / a.start_need_sum) if a.start_need_sum else None,
        "independent_pct": independent_pct(a.independent, done, suppression_min_n=suppression_min_n).as_dict(),
        "mean_ongoing_cost_per_week_gbp": round_2dp(mean(a.end_need_sum * rate, done)),
        "value_per_person_gbp": round_2dp(mean(reduction_sum * rate * weeks, done)),
        "total_value_gbp": round_2dp(reduction_sum * rate * weeks),
        "ascof_2a_pct": share(a.ascof_2a_numerator, a.ascof_2a_denominator),
        "ascof_2d_pct": share(a.ascof_2a_numerator, a.ascof_2a_denominator),  # deprecated alias of 2A
        "at_home_91_pct": share(a.follow_ups_at_home, a.follow_ups_recorded),
        "follow_ups_pending": a.follow_ups_pending,
        "goals_achieved_pct": share(a.achieved_goals, a.active_goals),
        "mean_gas_t_score": round_2dp(mean(a.gas_t_score_sum, a.gas_t_score_n)),
        "mean_contact_hours": round_2dp(mean(a.contact_minutes_sum / 60, done)),
    }


def metric_actual(metrics: Mapping[str, Any], name: str) -> float | None:
    """A metric's number: a proportion's value (None when suppressed), else the metric itself."""
    value = metrics[name]
    if isinstance(value, Mapping):
        return None if value["suppressed"] else value["value"]
    return None if value is None else float(value)
