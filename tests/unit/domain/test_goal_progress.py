"""Per-goal current level, progress, met, achieved and GAS score."""

from datetime import UTC, date, datetime, timedelta

import pytest

from service.domain.goals import GoalState, Observation, gas_score, is_achieved, progress_pct

from .builder import EpisodeStream


def goal_after(levels: list[int], *, baseline: int = 1, target: int = 4, confirmations: int = 2) -> GoalState:
    """Project one goal observed at the given levels on consecutive days."""
    stream = EpisodeStream()
    stream.goal("g1", baseline=baseline, target=target)
    for day, level in enumerate(levels, start=2):
        stream.visit(f"2026-05-{day:02d}T10:00:00+01:00", {"g1": level})
    return stream.project(confirmations=confirmations).goals[0]


def test_goal_without_observations_sits_at_baseline() -> None:
    goal = goal_after([])
    assert goal.current_level == 1
    assert goal.progress_pct == 0.0
    assert (goal.met, goal.achieved, goal.achieved_on) == (False, False, None)
    assert goal.gas_score == -2
    assert goal.observations == []


def test_current_level_is_the_latest_observation() -> None:
    assert goal_after([2, 4, 3]).current_level == 3


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (3, 66.67),  # 100 * (3-1)/(4-1) = 66.666… → 66.67
        (2, 33.33),  # 100 * 1/3 = 33.333… → 33.33
        (4, 100.0),
        (5, 100.0),  # 133.33 clamped to 100
        (0, 0.0),  # -33.33 clamped to 0
        (1, 0.0),
    ],
)
def test_progress_is_share_of_the_way_from_baseline_to_target(current: int, expected: float) -> None:
    assert goal_after([current]).progress_pct == expected


@pytest.mark.parametrize(("current", "expected"), [(3, 100.0), (2, 100.0), (1, 0.0)])
def test_progress_when_target_equals_baseline_is_all_or_nothing(current: int, expected: float) -> None:
    # Not possible through the API (target > baseline) but must not divide by zero.
    assert progress_pct(2, 2, current) == expected


def test_gas_when_target_equals_baseline_prefers_on_target() -> None:
    # current == target == baseline: "= target" (0) is checked before "≤ baseline" (-2).
    assert gas_score(2, 2, 2) == 0


def test_met_needs_only_the_latest_observation_at_target() -> None:
    goal = goal_after([4])
    assert goal.met is True
    assert goal.achieved is False


def test_met_is_lost_when_the_latest_observation_falls_below_target() -> None:
    assert goal_after([4, 4, 3]).met is False


def test_one_observation_at_target_is_not_achieved_with_two_confirmations() -> None:
    assert goal_after([2, 4]).achieved is False


def test_two_observations_at_or_above_target_achieve_the_goal() -> None:
    goal = goal_after([2, 4, 5])
    assert goal.achieved is True
    assert goal.achieved_on == date(2026, 5, 3)  # first of the run 4, 5


def test_achieved_on_is_the_start_of_the_whole_trailing_run() -> None:
    # Run 4, 4, 5, 4 started on the second observation (2026-05-03).
    assert goal_after([2, 4, 4, 5, 4]).achieved_on == date(2026, 5, 3)


def test_a_dip_below_target_restarts_the_run() -> None:
    goal = goal_after([4, 4, 3, 4])
    assert goal.achieved is False
    assert goal.achieved_on is None


@pytest.mark.parametrize(
    ("levels", "achieved"),
    [([4, 4], False), ([4, 4, 4], True), ([3, 4, 4, 4], True), ([4, 4, 3, 4, 4], False)],
)
def test_three_confirmations_need_three_in_a_row(levels: list[int], achieved: bool) -> None:
    assert goal_after(levels, confirmations=3).achieved is achieved


def test_one_confirmation_achieves_on_the_first_observation_at_target() -> None:
    goal = goal_after([2, 4], confirmations=1)
    assert (goal.achieved, goal.achieved_on) == (True, date(2026, 5, 3))


def test_achieved_on_is_the_london_date_in_summer_time() -> None:
    # 23:30 UTC on 1 June is 00:30 BST on 2 June.
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=4)
    stream.visit("2026-06-01T23:30:00+00:00", {"g1": 4})
    stream.visit("2026-06-03T10:00:00+01:00", {"g1": 4})
    assert stream.project().goals[0].achieved_on == date(2026, 6, 2)


def test_achieved_on_is_the_london_date_in_winter_time() -> None:
    # In January London is on GMT: 23:30 UTC is still the same day.
    stream = EpisodeStream(started_on="2026-01-10", planned_end_on="2026-02-21")
    stream.goal("g1", baseline=1, target=4)
    stream.visit("2026-01-15T23:30:00+00:00", {"g1": 4})
    stream.visit("2026-01-16T10:00:00+00:00", {"g1": 4})
    assert stream.project().goals[0].achieved_on == date(2026, 1, 15)


@pytest.mark.parametrize(
    ("current", "score"),
    [(5, 2), (4, 1), (3, 0), (2, -1), (1, -2), (0, -2)],  # baseline 1, target 3
)
def test_gas_score_bands(current: int, score: int) -> None:
    assert goal_after([current], target=3).gas_score == score


def test_revised_target_applies_to_all_observations() -> None:
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=4)
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 3})
    stream.visit("2026-05-03T10:00:00+01:00", {"g1": 3})
    stream.revise("g1", target_level=3, description="walk to the kitchen", target_on="2026-06-01")
    goal = stream.project().goals[0]
    assert (goal.target_level, goal.description, goal.target_on) == (
        3,
        "walk to the kitchen",
        date(2026, 6, 1),
    )
    # 3 is now on target: progress 100 %, achieved on the first of the two.
    assert (goal.progress_pct, goal.met, goal.achieved, goal.gas_score) == (100.0, True, True, 0)
    assert goal.achieved_on == date(2026, 5, 2)


def test_revision_keeps_fields_it_does_not_mention() -> None:
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=4, description="make a cup of tea myself")
    stream.revise("g1", target_level=5)
    goal = stream.project().goals[0]
    assert (goal.description, goal.baseline_level, goal.target_level) == (
        "make a cup of tea myself",
        1,
        5,
    )


def test_progress_for_an_unknown_goal_is_ignored() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 2, "nope": 5})
    stream.revise("nope", target_level=5)
    state = stream.project()
    assert [goal.id for goal in state.goals] == ["g1"]
    assert len(state.goals[0].observations) == 1


def test_goals_are_listed_in_the_order_they_were_set() -> None:
    stream = EpisodeStream()
    for goal_id in ("b", "a", "c"):
        stream.goal(goal_id)
    stream.withdraw("a")
    state = stream.project()
    assert [(goal.id, goal.status) for goal in state.goals] == [
        ("b", "active"),
        ("a", "withdrawn"),
        ("c", "active"),
    ]


def _levels(*levels: int) -> list[Observation]:
    start = datetime(2026, 3, 1, 10, tzinfo=UTC)
    return [Observation(start + timedelta(days=day), level, f"v{day}") for day, level in enumerate(levels)]


@pytest.mark.parametrize(("levels", "achieved"), [
    ((1, 2, 4, 4), True),  # the latest two at or above target
    ((4, 4, 3), False),  # a drop below target breaks the run
    ((1, 4), False),  # one observation at target is not yet confirmed
    ((), False),
])
def test_a_goal_is_achieved_when_its_latest_two_observations_reach_target(levels: tuple[int, ...],
                                                                          achieved: bool) -> None:
    assert is_achieved(_levels(*levels), 4, confirmations=2) is achieved
