"""EventCorrected: voided events vanish, corrected events take their new data."""

from dataclasses import replace

import pytest

from .builder import EpisodeStream, at


def test_voided_visit_is_not_counted() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 2}, minutes=30)
    wrong = stream.visit("2026-05-03T10:00:00+01:00", {"g1": 4}, minutes=60)
    stream.void(wrong)
    state = stream.project()
    assert (state.visits, state.contact_minutes) == (1, 30)
    assert state.last_visit_at == at("2026-05-02T09:00:00+00:00")
    assert state.goals[0].current_level == 2


def test_corrected_visit_level_replaces_the_recorded_one() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    visit = stream.visit("2026-05-02T10:00:00+01:00", {"g1": 5})
    stream.correct_visit(visit, levels={"g1": 2})
    assert stream.project().goals[0].current_level == 2


def test_corrected_visit_time_reorders_observations() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    typo = stream.visit("2026-05-09T10:00:00+01:00", {"g1": 2})  # meant 2026-05-01
    stream.visit("2026-05-04T10:00:00+01:00", {"g1": 3})
    assert stream.project().goals[0].current_level == 2
    stream.correct_visit(typo, when="2026-05-01T10:00:00+01:00")
    state = stream.project()
    assert state.goals[0].current_level == 3
    assert state.goals[0].observations[0].occurred_at == at("2026-05-01T09:00:00+00:00")
    assert state.last_visit_at == at("2026-05-04T09:00:00+00:00")


def test_corrected_visit_time_without_offset_is_refused() -> None:
    stream = EpisodeStream()
    visit = stream.visit("2026-05-02T10:00:00+01:00")
    stream.correct_visit(visit, when="2026-05-02T10:00:00")
    with pytest.raises(ValueError, match="offset"):
        stream.project()


def test_latest_correction_wins() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    visit = stream.visit("2026-05-02T10:00:00+01:00", {"g1": 2})
    stream.void(visit)
    stream.correct_visit(visit, levels={"g1": 3})
    state = stream.project()
    assert (state.visits, state.goals[0].current_level) == (1, 3)


def test_latest_correction_is_by_sequence_not_list_position() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    visit = stream.visit("2026-05-02T10:00:00+01:00", {"g1": 2})
    stream.correct_visit(visit, levels={"g1": 3})
    stream.void(visit)
    assert stream.project(events=list(reversed(stream.events))).visits == 0


def test_correcting_a_correction_is_ignored() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    visit = stream.visit("2026-05-02T10:00:00+01:00", {"g1": 2})
    fix = stream.correct_visit(visit, levels={"g1": 3})
    stream.void(fix)
    assert stream.project().goals[0].current_level == 3


def test_correction_of_an_unknown_event_is_ignored() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    visit = stream.visit("2026-05-02T10:00:00+01:00", {"g1": 2})
    stream.void(replace(visit, id="00000000-0000-0000-0000-00000000dead"))
    assert stream.project().visits == 1


def test_corrected_goal_definition_is_used() -> None:
    stream = EpisodeStream()
    goal_set = stream.goal("g1", baseline=1, target=4)
    stream.correct(goal_set, goal_set.data | {"target_level": 3})
    assert stream.project().goals[0].target_level == 3


def test_voided_closure_reopens_the_episode() -> None:
    stream = EpisodeStream()
    closure = stream.close(end_need=2.5)
    assert stream.project().status == "closed"
    stream.void(closure)
    state = stream.project()
    assert (state.status, state.ended_on, state.end_need_hours_per_week, state.outcome) == (
        "open",
        None,
        None,
        None,
    )


def test_corrected_opening_details_are_used() -> None:
    stream = EpisodeStream()
    stream.correct(stream.events[0], stream.events[0].data | {"age_at_referral": 64})
    state = stream.project()
    assert state.age_at_referral == 64
    assert state.follow_up is None


def test_stream_without_an_effective_opening_is_refused() -> None:
    stream = EpisodeStream()
    stream.void(stream.events[0])
    with pytest.raises(ValueError, match="EpisodeOpened"):
        stream.project()
