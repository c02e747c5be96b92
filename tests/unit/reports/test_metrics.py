"""Every DOMAIN.md metric from aggregates of small cohorts worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from service.domain.metrics import METRICS, Aggregates, compute_metrics, metric_actual

EMPTY_SHARE = {"value": None, "n": 0, "ci_low": None, "ci_high": None, "suppressed": False}


def metrics(aggregates: Aggregates, rate: float = 24.10, weeks: float = 72, days: int = 28,
            suppression_min_n: int | None = None) -> dict[str, Any]:
    return compute_metrics(aggregates, rate=rate, weeks=weeks, days_in_period=days,
                           suppression_min_n=suppression_min_n)


def test_every_domain_metric_is_reported_in_order() -> None:
    assert list(metrics(Aggregates())) == list(METRICS)


def test_an_empty_period_gives_nulls_for_means_and_percentages_and_zero_counts() -> None:
    result = metrics(Aggregates())
    assert result == {
        "episodes_closed": 0,
        "episodes_completed": 0,
        "completions_per_week": 0.0,
        "mean_length_of_stay_days": None,
        "median_length_of_stay_days": None,
        "mean_start_need_hours": None,
        "mean_end_need_hours": None,
        "mean_need_reduction_hours": None,
        "need_reduction_pct": None,
        "independent_pct": EMPTY_SHARE,
        "mean_ongoing_cost_per_week_gbp": None,
        "value_per_person_gbp": None,
        "total_value_gbp": 0.0,  # a sum over no one, not a mean
        "ascof_2a_pct": EMPTY_SHARE,
        "ascof_2d_pct": EMPTY_SHARE,
        "at_home_91_pct": EMPTY_SHARE,
        "follow_ups_pending": 0,
        "goals_achieved_pct": EMPTY_SHARE,
        "mean_gas_t_score": None,
        "mean_contact_hours": None,
    }


def test_joe_31_5_hours_to_none_is_worth_39644_64_at_17_48_for_72_weeks() -> None:
    # One episode, ended after 42 days in a 7-day period: s = 31.5, e = 0, outcome "no identified needs",
    # 2 active goals both achieved, T-score 61.2, 10 visits of 45 minutes.
    joe = Aggregates(episodes_closed=1, episodes_completed=1, length_of_stay_n=1, length_of_stay_sum=42,
                     length_of_stay_median=42, start_need_sum=31.5, end_need_sum=0, independent=1,
                     ascof_2a_numerator=1, ascof_2a_denominator=1, active_goals=2, achieved_goals=2,
                     gas_t_score_n=1, gas_t_score_sum=61.2, contact_minutes_sum=450)
    result = metrics(joe, rate=17.48, weeks=72, days=7)
    # 31.5 × 17.48 = 550.62 per week; × 72 weeks = 39,644.64
    assert result["value_per_person_gbp"] == 39644.64
    assert result["total_value_gbp"] == 39644.64
    assert result["mean_need_reduction_hours"] == 31.5
    assert result["need_reduction_pct"] == 100.0  # 100 × 31.5 / 31.5
    assert result["mean_ongoing_cost_per_week_gbp"] == 0.0
    assert result["completions_per_week"] == 1.0  # 1 × 7 / 7
    assert result["mean_length_of_stay_days"] == 42.0 and result["median_length_of_stay_days"] == 42.0
    assert result["mean_contact_hours"] == 7.5  # 450 / 60
    assert result["mean_gas_t_score"] == 61.2
    # 1/1: Wilson 20.65 .. 100
    assert result["independent_pct"] == {"value": 100.0, "n": 1, "ci_low": 20.65, "ci_high": 100.0,
                                         "suppressed": False}
    assert result["ascof_2d_pct"]["value"] == 100.0 and result["goals_achieved_pct"]["n"] == 2


def test_one_weekly_hour_reduced_is_worth_1258_56_at_newtons_figures() -> None:
    # £17.48 × 72 weeks = £1,258.56 per weekly hour; Newton's £8,700 is ~6.91 h/week.
    one_hour = Aggregates(episodes_closed=1, episodes_completed=1, start_need_sum=1.0)
    assert metrics(one_hour, rate=17.48, weeks=72)["value_per_person_gbp"] == 1258.56
    newton = Aggregates(episodes_closed=1, episodes_completed=1, start_need_sum=6.91)
    assert metrics(newton, rate=17.48, weeks=72)["value_per_person_gbp"] == pytest.approx(8700, abs=5)


# Cohort closed in a 14-day period, rate £20, 50 weeks:
#  #  s   e  los outcome                              goals act/ach  T    contact min
#  1  10  0  40  no_services_no_identified_needs (N)    2 / 2       60    600
#  2  20  5  44  long_term_support (D)                  3 / 1       45    900
#  3   8  2  30  ongoing_low_level_support (N)          1 / 0       -     300
#  4  12  0  50  no_services_declined (excluded)        2 / 2       55    420
#  5   6  6  -   early_cessation_other (early, excl.)   not in Done
#  6  15 10  -   early_cessation_to_long_term_support (early, D)
# Done = 1..4. Σs = 50, Σe = 7, Σ(s−e) = 43, Σlos = 164, sorted los 30 40 44 50.
# 91-day population: 3 follow-ups recorded, 2 at home; 1 eligible episode still pending.
COHORT = Aggregates(
    episodes_closed=6, episodes_completed=4, length_of_stay_n=4, length_of_stay_sum=164,
    length_of_stay_median=42.0, start_need_sum=50, end_need_sum=7, independent=2,
    ascof_2a_numerator=2, ascof_2a_denominator=4, follow_ups_recorded=3, follow_ups_at_home=2,
    follow_ups_pending=1, active_goals=8, achieved_goals=5, gas_t_score_n=3, gas_t_score_sum=160,
    contact_minutes_sum=2220,
)


def test_a_mixed_cohort_gives_every_metric_as_worked_out_by_hand() -> None:
    result = metrics(COHORT, rate=20, weeks=50, days=14)
    assert result == {
        "episodes_closed": 6,
        "episodes_completed": 4,
        "completions_per_week": 2.0,  # 4 × 7 / 14
        "mean_length_of_stay_days": 41.0,  # 164 / 4
        "median_length_of_stay_days": 42.0,  # (40 + 44) / 2
        "mean_start_need_hours": 12.5,  # 50 / 4
        "mean_end_need_hours": 1.75,  # 7 / 4
        "mean_need_reduction_hours": 10.75,  # 43 / 4
        "need_reduction_pct": 86.0,  # 100 × 43 / 50
        # e = 0 for #1 and #4: 2/4, Wilson 15.00 .. 85.00
        "independent_pct": {"value": 50.0, "n": 4, "ci_low": 15.0, "ci_high": 85.0, "suppressed": False},
        "mean_ongoing_cost_per_week_gbp": 35.0,  # 7 × 20 / 4
        "value_per_person_gbp": 10750.0,  # 43 × 20 × 50 / 4
        "total_value_gbp": 43000.0,  # 43 × 20 × 50
        # numerator #1 #3, denominator #1 #2 #3 #6: 2/4; 2D is the deprecated name of the same figure
        "ascof_2a_pct": {"value": 50.0, "n": 4, "ci_low": 15.0, "ci_high": 85.0, "suppressed": False},
        "ascof_2d_pct": {"value": 50.0, "n": 4, "ci_low": 15.0, "ci_high": 85.0, "suppressed": False},
        # 2/3 = 66.67 %, Wilson 20.77 .. 93.85
        "at_home_91_pct": {"value": 66.67, "n": 3, "ci_low": 20.77, "ci_high": 93.85, "suppressed": False},
        "follow_ups_pending": 1,
        # 5/8 = 62.5 %, Wilson 30.57 .. 86.32
        "goals_achieved_pct": {"value": 62.5, "n": 8, "ci_low": 30.57, "ci_high": 86.32, "suppressed": False},
        "mean_gas_t_score": 53.33,  # (60 + 45 + 55) / 3: #3 has no T-score and is left out
        "mean_contact_hours": 9.25,  # 2220 / 60 / 4
    }


def test_a_commissioner_sees_the_same_cohort_with_small_proportions_suppressed() -> None:
    result = metrics(COHORT, rate=20, weeks=50, days=14, suppression_min_n=5)
    for name in ("independent_pct", "ascof_2a_pct", "ascof_2d_pct", "at_home_91_pct"):  # n = 4, 4, 4, 3
        assert result[name]["suppressed"] is True and result[name]["value"] is None
    assert result["goals_achieved_pct"]["value"] == 62.5  # n = 8 is shown
    assert result["independent_pct"]["n"] == 4  # n stays
    assert result["mean_need_reduction_hours"] == 10.75  # plain numbers are not proportions


def test_all_early_cessation_counts_as_closed_but_leaves_done_means_null() -> None:
    # Three closures: nhs_funded_or_deceased and other (both excluded from ASCOF 2A),
    # to_long_term_support (denominator only).
    early = Aggregates(episodes_closed=3, episodes_completed=0, ascof_2a_numerator=0, ascof_2a_denominator=1)
    result = metrics(early)
    assert result["episodes_closed"] == 3 and result["episodes_completed"] == 0
    for name in ("mean_length_of_stay_days", "median_length_of_stay_days", "mean_start_need_hours",
                 "mean_end_need_hours", "mean_need_reduction_hours", "need_reduction_pct",
                 "mean_ongoing_cost_per_week_gbp", "value_per_person_gbp", "mean_gas_t_score",
                 "mean_contact_hours"):
        assert result[name] is None, name
    assert result["independent_pct"] == EMPTY_SHARE and result["goals_achieved_pct"] == EMPTY_SHARE
    # 0/1 is a real 0 %, not null: Wilson 0 .. 79.35
    assert result["ascof_2a_pct"] == {"value": 0.0, "n": 1, "ci_low": 0.0, "ci_high": 79.35, "suppressed": False}
    assert result["ascof_2d_pct"] == result["ascof_2a_pct"]


def test_ascof_2a_is_null_when_every_closure_is_excluded() -> None:
    # Two closures, self-funding and declined: in C, in neither numerator nor denominator.
    excluded = Aggregates(episodes_closed=2, episodes_completed=2, start_need_sum=10, end_need_sum=0, independent=2)
    assert metrics(excluded)["ascof_2a_pct"] == EMPTY_SHARE == metrics(excluded)["ascof_2d_pct"]


def test_need_reduction_pct_is_null_when_nobody_needed_care_at_the_start() -> None:
    # Two completed episodes with s = 0 and e = 0: Σs = 0, so no percentage.
    nothing = Aggregates(episodes_closed=2, episodes_completed=2, start_need_sum=0, end_need_sum=0, independent=2)
    result = metrics(nothing)
    assert result["need_reduction_pct"] is None
    assert result["mean_need_reduction_hours"] == 0.0


def test_need_that_grew_gives_a_negative_reduction() -> None:
    # One episode, s = 4, e = 6: reduction −2 h/week, −50 %, value −2 × 24.10 × 72 = −3470.40
    grew = Aggregates(episodes_closed=1, episodes_completed=1, start_need_sum=4, end_need_sum=6)
    result = metrics(grew)
    assert result["need_reduction_pct"] == -50.0
    assert result["value_per_person_gbp"] == -3470.4


def test_values_are_rounded_half_up_to_two_places() -> None:
    # Three episodes, contact 25 + 25 + 25 minutes: 75 / 60 / 3 = 0.41666 -> 0.42;
    # completions 3 × 7 / 8 days = 2.625 -> 2.63 (half up, not to even).
    cohort = Aggregates(episodes_closed=3, episodes_completed=3, contact_minutes_sum=75)
    result = metrics(cohort, days=8)
    assert result["mean_contact_hours"] == 0.42
    assert result["completions_per_week"] == 2.63


def test_a_period_needs_at_least_one_day() -> None:
    with pytest.raises(ValueError):
        metrics(Aggregates(), days=0)


def test_the_actual_of_a_proportion_is_its_value_and_null_when_suppressed() -> None:
    result = metrics(COHORT, rate=20, weeks=50, days=14, suppression_min_n=5)
    assert metric_actual(result, "goals_achieved_pct") == 62.5
    assert metric_actual(result, "independent_pct") is None
    assert metric_actual(result, "episodes_closed") == 6.0
    assert metric_actual(metrics(Aggregates()), "mean_gas_t_score") is None
