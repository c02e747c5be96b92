"""Observations follow when visits happened, not when phones synced them."""

from .builder import EpisodeStream, at


def test_late_synced_earlier_visit_does_not_change_current_level() -> None:
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=4)
    stream.visit("2026-05-05T10:00:00+01:00", {"g1": 3})
    # Synced last, happened first.
    stream.visit("2026-05-03T10:00:00+01:00", {"g1": 2})
    goal = stream.project().goals[0]
    assert goal.current_level == 3
    assert [obs.level for obs in goal.observations] == [2, 3]


def test_late_synced_later_visit_below_target_unachieves_and_clears_early_completion() -> None:
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=4)
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 4})
    stream.visit("2026-05-04T10:00:00+01:00", {"g1": 4})
    before = stream.project()
    assert before.goals[0].achieved is True
    assert [flag.flag for flag in before.flags] == ["early_completion"]

    stream.visit("2026-05-06T10:00:00+01:00", {"g1": 3})
    after = stream.project()
    assert (after.goals[0].achieved, after.goals[0].met, after.goals[0].current_level) == (
        False,
        False,
        3,
    )
    assert after.achieved_goals == 0
    # 4, 4, 3 also counts as stalled (3 ≤ 4, not met): only early completion clears.
    assert [flag.flag for flag in after.flags] == ["stalled"]


def test_visits_at_the_same_moment_are_ordered_by_arrival() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 2})
    stream.visit("2026-05-02T09:00:00+00:00", {"g1": 3})  # the same instant
    assert stream.project().goals[0].current_level == 3


def test_offsets_are_compared_as_instants() -> None:
    # 10:30+01:00 (09:30 UTC) is before 10:00+00:00 (10:00 UTC).
    stream = EpisodeStream()
    stream.goal("g1")
    stream.visit("2026-05-02T10:00:00+00:00", {"g1": 3})
    stream.visit("2026-05-02T10:30:00+01:00", {"g1": 2})
    state = stream.project()
    assert state.goals[0].current_level == 3
    assert state.last_visit_at == at("2026-05-02T10:00:00+00:00")
