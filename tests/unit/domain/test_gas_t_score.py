"""The episode's GAS T-score over its active goals."""

from .builder import EpisodeStream


def test_t_score_is_none_without_active_goals() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    stream.withdraw("g1")
    state = stream.project()
    assert state.gas_t_score is None
    assert (state.active_goals, state.achieved_goals) == (0, 0)


def test_t_score_of_one_goal_one_above_target() -> None:
    # n = 1: 50 + 10·1 / √(0.7 + 0.3) = 60.
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=3)
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 4})
    assert stream.project().gas_t_score == 60.0


def test_t_score_of_one_goal_never_observed() -> None:
    # n = 1, x = -2 (at baseline): 50 - 20 = 30.
    stream = EpisodeStream()
    stream.goal("g1")
    assert stream.project().gas_t_score == 30.0


def test_t_score_of_three_goals() -> None:
    # x = +2, 0, -1 → Σx = 1; √(0.7·3 + 0.3·9) = √4.8 = 2.19089;
    # 50 + 10 / 2.19089 = 54.564 → 54.56.
    stream = EpisodeStream()
    for goal_id in ("g1", "g2", "g3"):
        stream.goal(goal_id, baseline=1, target=3)
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 5, "g2": 3, "g3": 2})
    assert stream.project().gas_t_score == 54.56


def test_t_score_of_three_goals_below_target() -> None:
    # x = -2, -2, -1 → Σx = -5; 50 - 50 / 2.19089 = 27.178 → 27.18.
    stream = EpisodeStream()
    for goal_id in ("g1", "g2", "g3"):
        stream.goal(goal_id, baseline=1, target=3)
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 1, "g2": 0, "g3": 2})
    assert stream.project().gas_t_score == 27.18


def test_withdrawn_goals_do_not_count_towards_t_score_or_achievement() -> None:
    # Only g1 is active: x = 0 → T = 50; g2 (achieved) is withdrawn.
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=3)
    stream.goal("g2", baseline=1, target=3)
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 3, "g2": 5})
    stream.visit("2026-05-03T10:00:00+01:00", {"g2": 5})
    stream.withdraw("g2")
    state = stream.project()
    assert state.gas_t_score == 50.0
    assert (state.active_goals, state.achieved_goals) == (1, 0)
    assert state.goals[1].achieved is True  # still reported for the withdrawn goal
