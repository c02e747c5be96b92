"""Each flag's raise and clear rule, its raised_at and acknowledgement."""

from datetime import date

from service.domain import FLAG_NAMES, DerivedEpisode, FlagState

from .builder import EpisodeStream, at


def flag(state: DerivedEpisode, name: str) -> FlagState | None:
    """Return the named flag if raised."""
    return next((raised for raised in state.flags if raised.flag == name), None)


def achieved_stream() -> EpisodeStream:
    """One goal achieved on 2 and 3 May, well before the planned end (12 June)."""
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=4)
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 4})
    stream.visit("2026-05-03T10:00:00+01:00", {"g1": 4})
    return stream


def test_flag_names_in_reporting_order() -> None:
    assert FLAG_NAMES == ("early_completion", "concern", "stalled", "overdue", "follow_up_due")


def test_flags_are_returned_in_fixed_order() -> None:
    stream = achieved_stream()
    stream.visit("2026-05-04T10:00:00+01:00", {"g1": 5}, concerns=("fall",))
    state = stream.project(today=date(2026, 8, 1))
    assert [raised.flag for raised in state.flags] == [
        "early_completion",
        "concern",
        "overdue",
        "follow_up_due",
    ]


# early_completion


def test_early_completion_raised_when_the_second_goal_is_confirmed() -> None:
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=4)
    stream.goal("g2", baseline=1, target=3)
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 4, "g2": 2})
    stream.visit("2026-05-03T10:00:00+01:00", {"g1": 5})  # g1 confirmed
    stream.visit("2026-05-04T10:00:00+01:00", {"g2": 3})
    stream.visit("2026-05-05T10:00:00+01:00", {"g1": 4})
    stream.visit("2026-05-06T10:00:00+01:00", {"g2": 3})  # g2 confirmed
    stream.visit("2026-05-07T10:00:00+01:00", {"g2": 4})
    raised = flag(stream.project(), "early_completion")
    assert raised is not None
    assert raised.raised_at == at("2026-05-06T09:00:00+00:00")
    assert "2026-06-12" in raised.detail
    assert raised.acknowledged is False


def test_early_completion_needs_every_active_goal_achieved() -> None:
    stream = achieved_stream()
    stream.goal("g2")
    assert flag(stream.project(), "early_completion") is None
    stream.withdraw("g2")
    assert flag(stream.project(), "early_completion") is not None


def test_early_completion_needs_an_active_goal() -> None:
    stream = achieved_stream()
    stream.withdraw("g1")
    assert flag(stream.project(), "early_completion") is None


def test_early_completion_cleared_by_closure() -> None:
    stream = achieved_stream()
    stream.close()
    assert flag(stream.project(), "early_completion") is None


def test_early_completion_not_raised_when_latest_visit_is_on_planned_end() -> None:
    stream = achieved_stream()
    # 23:30 UTC on 11 June is 00:30 on 12 June in London: not before the planned end.
    stream.visit("2026-06-11T23:30:00+00:00")
    assert flag(stream.project(), "early_completion") is None


def test_early_completion_raised_when_latest_visit_is_the_day_before_planned_end() -> None:
    stream = achieved_stream()
    stream.visit("2026-06-11T22:30:00+00:00")  # 23:30 on 11 June in London
    assert flag(stream.project(), "early_completion") is not None


def test_early_completion_acknowledged_only_by_an_acknowledgement_after_it_was_raised() -> None:
    stream = achieved_stream()
    stream.acknowledge("early_completion", recorded_at="2026-05-03T08:59:00+00:00")
    assert flag(stream.project(), "early_completion") == FlagState(
        flag="early_completion",
        raised_at=at("2026-05-03T09:00:00+00:00"),
        detail="Every active goal achieved before the planned end on 2026-06-12",
        acknowledged=False,
    )
    stream.acknowledge("early_completion", recorded_at="2026-05-03T09:00:00+00:00")
    raised = flag(stream.project(), "early_completion")
    assert raised is not None
    assert raised.acknowledged is True


# concern


def test_concern_raised_by_any_visit_with_concerns() -> None:
    stream = EpisodeStream()
    stream.visit("2026-05-04T10:00:00+01:00", concerns=("pain", "fall"))
    stream.visit("2026-05-02T10:00:00+01:00", concerns=("fall",))
    stream.visit("2026-05-01T10:00:00+01:00")
    assert stream.project().flags == [
        FlagState(
            flag="concern",
            raised_at=at("2026-05-02T09:00:00+00:00"),
            detail="Concerns reported: fall, pain",
            acknowledged=False,
        )
    ]


def test_concern_cleared_by_acknowledgement_and_raised_again_by_a_newer_concern() -> None:
    stream = EpisodeStream()
    stream.visit("2026-05-02T10:00:00+01:00", concerns=("fall",))
    stream.acknowledge("concern")
    assert flag(stream.project(), "concern") is None
    stream.visit("2026-05-05T10:00:00+01:00", concerns=("pain",))
    raised = flag(stream.project(), "concern")
    assert raised is not None
    assert (raised.raised_at, raised.detail) == (
        at("2026-05-05T09:00:00+00:00"),
        "Concerns reported: pain",
    )


def test_concern_from_a_late_synced_visit_is_raised_after_an_acknowledgement() -> None:
    stream = EpisodeStream()
    stream.visit("2026-05-04T10:00:00+01:00", concerns=("fall",))
    stream.acknowledge("concern")
    stream.visit("2026-05-02T10:00:00+01:00", concerns=("skin_integrity",))  # synced late
    raised = flag(stream.project(), "concern")
    assert raised is not None
    assert raised.detail == "Concerns reported: skin_integrity"


def test_concern_not_cleared_by_closure_or_other_acknowledgements() -> None:
    stream = EpisodeStream()
    stream.visit("2026-05-02T10:00:00+01:00", concerns=("fall",))
    stream.acknowledge("overdue")
    stream.close()
    assert flag(stream.project(), "concern") is not None


def test_voided_acknowledgement_raises_the_concern_again() -> None:
    stream = EpisodeStream()
    stream.visit("2026-05-02T10:00:00+01:00", concerns=("fall",))
    acknowledgement = stream.acknowledge("concern")
    stream.void(acknowledgement)
    assert flag(stream.project(), "concern") is not None


# stalled


def stalled_stream(*levels: int) -> EpisodeStream:
    """One goal (baseline 1, target 4) observed on consecutive days."""
    stream = EpisodeStream()
    stream.goal("g1", description="make a cup of tea myself")
    for day, level in enumerate(levels, start=2):
        stream.visit(f"2026-05-{day:02d}T10:00:00+01:00", {"g1": level})
    return stream


def test_stalled_when_latest_level_is_no_better_than_two_observations_earlier() -> None:
    raised = flag(stalled_stream(2, 3, 2).project(), "stalled")
    assert raised is not None
    assert raised.raised_at == at("2026-05-04T09:00:00+00:00")
    assert "make a cup of tea myself" in raised.detail


def test_stalled_cleared_when_the_goal_improves() -> None:
    stream = stalled_stream(2, 3, 2)
    stream.visit("2026-05-05T10:00:00+01:00", {"g1": 3})  # 2, 3, 2, 3: 3 ≤ 3
    assert flag(stream.project(), "stalled") is not None
    stream.visit("2026-05-06T10:00:00+01:00", {"g1": 3})  # …, 2, 3, 3: 3 > 2
    assert flag(stream.project(), "stalled") is None


def test_stalled_needs_three_observations() -> None:
    assert flag(stalled_stream(2, 2).project(), "stalled") is None


def test_met_goal_is_not_stalled() -> None:
    assert flag(stalled_stream(4, 4, 4).project(), "stalled") is None


def test_stalled_cleared_by_closure_or_withdrawal() -> None:
    closed = stalled_stream(2, 2, 2)
    closed.close()
    withdrawn = stalled_stream(2, 2, 2)
    withdrawn.withdraw("g1")
    assert closed.project().flags == []
    assert withdrawn.project().flags == []


def test_stalled_raised_at_earliest_stalled_goal_and_names_them_all() -> None:
    stream = EpisodeStream()
    stream.goal("g1", description="walk to the shop")
    stream.goal("g2", description="dress myself")
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 2, "g2": 2})
    stream.visit("2026-05-03T10:00:00+01:00", {"g1": 2, "g2": 2})
    stream.visit("2026-05-04T10:00:00+01:00", {"g2": 2})
    stream.visit("2026-05-05T10:00:00+01:00", {"g1": 1})
    raised = flag(stream.project(), "stalled")
    assert raised is not None
    assert raised.raised_at == at("2026-05-04T09:00:00+00:00")  # g2's latest
    assert "walk to the shop" in raised.detail
    assert "dress myself" in raised.detail


# overdue


def test_not_overdue_on_the_planned_end_date() -> None:
    assert flag(EpisodeStream().project(today=date(2026, 6, 12)), "overdue") is None


def test_overdue_the_day_after_the_planned_end_from_london_midnight() -> None:
    raised = flag(EpisodeStream().project(today=date(2026, 6, 13)), "overdue")
    assert raised is not None
    assert raised.raised_at == at("2026-06-12T23:00:00+00:00")  # 00:00 BST on 13 June


def test_overdue_raised_at_in_winter_is_utc_midnight() -> None:
    stream = EpisodeStream(started_on="2026-10-20", planned_end_on="2026-12-01")
    raised = flag(stream.project(today=date(2026, 12, 5)), "overdue")
    assert raised is not None
    assert raised.raised_at == at("2026-12-02T00:00:00+00:00")


def test_overdue_cleared_by_closure() -> None:
    stream = EpisodeStream()
    stream.close()
    assert flag(stream.project(today=date(2026, 6, 20)), "overdue") is None


def test_overdue_acknowledged_after_it_was_raised() -> None:
    stream = EpisodeStream()
    stream.acknowledge("overdue", recorded_at="2026-06-15T08:00:00+01:00")
    raised = flag(stream.project(today=date(2026, 6, 20)), "overdue")
    assert raised is not None
    assert raised.acknowledged is True


# follow_up_due (discharged 2026-04-30, aged 82: due 2026-07-30)


def test_follow_up_not_due_on_day_90() -> None:
    assert flag(EpisodeStream().project(today=date(2026, 7, 29)), "follow_up_due") is None


def test_follow_up_due_on_day_91_from_london_midnight() -> None:
    raised = flag(EpisodeStream().project(today=date(2026, 7, 30)), "follow_up_due")
    assert raised is not None
    assert raised.raised_at == at("2026-07-29T23:00:00+00:00")


def test_follow_up_due_not_cleared_by_closure_but_by_recording_it() -> None:
    stream = EpisodeStream()
    stream.close()
    assert flag(stream.project(today=date(2026, 8, 3)), "follow_up_due") is not None
    recorded = stream.follow_up("2026-08-02", "in_care_home")
    state = stream.project(today=date(2026, 8, 3))
    assert flag(state, "follow_up_due") is None
    assert state.follow_up is not None
    assert (state.follow_up.status, state.follow_up.assessed_on) == (
        "in_care_home",
        date(2026, 8, 2),
    )
    stream.void(recorded)
    assert flag(stream.project(today=date(2026, 8, 3)), "follow_up_due") is not None


def test_age_64_is_not_eligible_for_follow_up() -> None:
    state = EpisodeStream(age_at_referral=64).project(today=date(2026, 8, 3))
    assert state.follow_up is None
    assert state.flags == [flag(state, "overdue")]


def test_community_referral_or_missing_discharge_date_is_not_eligible() -> None:
    community = EpisodeStream(referral_source="community", hospital_discharge_on=None)
    undated = EpisodeStream(hospital_discharge_on=None)
    assert community.project().follow_up is None
    assert undated.project().follow_up is None
    assert flag(undated.project(today=date(2026, 12, 1)), "follow_up_due") is None
