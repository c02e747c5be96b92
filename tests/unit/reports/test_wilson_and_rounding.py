"""Wilson intervals, 2-dp half-up rounding and commissioner suppression of proportions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.metrics import Z_95, proportion, round_2dp, wilson_interval


def wilson_by_formula(k: int, n: int) -> tuple[float, float]:
    """(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), written out independently."""
    p, z = k / n, Z_95
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n), (centre + spread) / (1 + z * z / n)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.125, 0.13),  # half up on the decimal repr, where round() gives 0.12 (banker's)
        (1.005, 1.01),  # round(1.005, 2) == 1.0 because the binary value is 1.00499999...
        (2.675, 2.68),
        (0.135, 0.14),
        (12.5, 12.5),
        (39644.639999999996, 39644.64),
        (-0.004, 0.0),  # never -0.0
        (-1.005, -1.01),  # half away from zero for negatives
    ],
)
def test_numbers_round_half_up_to_two_decimal_places(value: float, expected: float) -> None:
    rounded = round_2dp(value)
    assert rounded == expected
    assert math.copysign(1, rounded or 1.0) == math.copysign(1, expected or 1.0)


def test_rounding_keeps_null_as_null() -> None:
    assert round_2dp(None) is None


def test_wilson_eight_out_of_ten_is_49_02_to_94_33() -> None:
    # p = 0.8, z² = 3.8415, z²/n = 0.38415, denominator 1.38415
    # centre = (0.8 + 0.192074) / 1.38415 = 0.71674
    # half = 1.959964 / 1.38415 × sqrt(0.016 + 0.0096037) = 1.41600 × 0.160011 = 0.22658
    # -> 0.49016 .. 0.94332
    low, high = wilson_interval(8, 10)
    assert (round(100 * low, 2), round(100 * high, 2)) == (49.02, 94.33)
    assert (low, high) == pytest.approx(wilson_by_formula(8, 10), abs=1e-12)


def test_wilson_with_no_successes_starts_at_zero_and_reaches_z2_over_n_plus_z2() -> None:
    # k = 0: upper bound = z² / (n + z²) = 3.8415 / 13.8415 = 0.27753
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(Z_95**2 / (10 + Z_95**2), abs=1e-12)


def test_wilson_with_all_successes_ends_at_one() -> None:
    # k = n = 1: centre = (1 + 1.92074) / 4.84146 = 0.60327, half = 0.39673 -> 20.65 .. 100
    low, high = wilson_interval(1, 1)
    assert high == 1.0
    assert round(100 * low, 2) == 20.65


@pytest.mark.parametrize(("k", "n"), [(0, 0), (3, 2), (-1, 4)])
def test_wilson_refuses_impossible_counts(k: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson_interval(k, n)


@given(st.integers(min_value=1, max_value=10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_a_proportion_lies_inside_its_interval_within_0_and_100(case: tuple[int, int]) -> None:
    k, n = case
    share = proportion(k, n)
    assert share.value is not None and share.ci_low is not None and share.ci_high is not None
    assert 0 <= share.ci_low <= share.value <= share.ci_high <= 100
    assert share.n == n and share.suppressed is False


def test_proportion_of_an_empty_set_is_null_not_zero() -> None:
    share = proportion(0, 0)
    assert share.as_dict() == {"value": None, "n": 0, "ci_low": None, "ci_high": None, "suppressed": False}


def test_four_people_are_suppressed_for_a_commissioner_but_five_are_not() -> None:
    # 3/4 would be 75 % (30.06 .. 95.44); below SUPPRESSION_MIN_N = 5 it is hidden, n stays.
    assert proportion(3, 4, suppression_min_n=5).as_dict() == {
        "value": None, "n": 4, "ci_low": None, "ci_high": None, "suppressed": True}
    # 4/5 = 80 %, Wilson 37.55 .. 96.38
    assert proportion(4, 5, suppression_min_n=5).as_dict() == {
        "value": 80.0, "n": 5, "ci_low": 37.55, "ci_high": 96.38, "suppressed": False}


def test_managers_and_admins_see_small_numbers_unsuppressed() -> None:
    assert proportion(3, 4).as_dict() == {"value": 75.0, "n": 4, "ci_low": 30.06, "ci_high": 95.44,
                                          "suppressed": False}


def test_an_empty_set_is_suppressed_for_a_commissioner_too() -> None:
    # n = 0 < 5: the rule is "n below SUPPRESSION_MIN_N", and 0 is below it.
    assert proportion(0, 0, suppression_min_n=5).suppressed is True
