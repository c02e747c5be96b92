"""Properties of the projection over random valid streams: order-free and deterministic."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain import DerivedEpisode, StoredEvent, project_episode

from .builder import EpisodeStream

CONCERNS = ("fall", "pain", "deterioration", "medication")
FIRST_VISIT = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
VISIT_WINDOW_MINUTES = 60 * 24 * 50
TODAY = date(2026, 6, 1)


@st.composite
def episode_streams(draw: st.DrawFn, *, in_time_order: bool = False) -> list[StoredEvent]:
    """Draw a valid episode stream, in arrival order, with distinct visit times (synced in time order, if asked)."""
    stream = EpisodeStream(age_at_referral=draw(st.integers(60, 99)))
    baselines: dict[str, int] = {}
    for goal_id in ("g1", "g2", "g3")[: draw(st.integers(1, 3))]:
        baselines[goal_id] = draw(st.integers(0, 4))
        stream.goal(goal_id, baseline=baselines[goal_id], target=draw(st.integers(baselines[goal_id] + 1, 5)))
    goal_ids = st.sampled_from(sorted(baselines))
    visits: list[StoredEvent] = []
    minutes = draw(st.lists(st.integers(0, VISIT_WINDOW_MINUTES), unique=True, max_size=30))
    for minute in sorted(minutes) if in_time_order else minutes:
        # Phones report local time with either offset; the instants stay distinct.
        offset = timezone(timedelta(hours=draw(st.sampled_from([0, 1]))))
        when = (FIRST_VISIT + timedelta(minutes=minute)).astimezone(offset).isoformat()
        levels = draw(st.dictionaries(goal_ids, st.integers(0, 5), max_size=3))
        concerns = tuple(draw(st.lists(st.sampled_from(CONCERNS), max_size=2)))
        visits.append(stream.visit(when, levels, concerns=concerns))
        if draw(st.integers(0, 9)) == 0:
            stream.acknowledge(draw(st.sampled_from(["concern", "stalled", "early_completion"])))
    if draw(st.booleans()) and visits:
        stream.void(draw(st.sampled_from(visits)))
    if draw(st.booleans()) and visits:
        stream.correct_visit(draw(st.sampled_from(visits)), levels={draw(goal_ids): draw(st.integers(0, 5))})
    if draw(st.booleans()):
        goal_id = draw(goal_ids)
        stream.revise(goal_id, target_level=draw(st.integers(baselines[goal_id] + 1, 5)))
    if draw(st.booleans()):
        stream.withdraw(draw(goal_ids))
    if draw(st.booleans()):
        stream.close()
    return stream.events


def project(events: list[StoredEvent]) -> DerivedEpisode:
    """Project with the fixed test date."""
    return project_episode(events, today=TODAY)


def with_visit_arrivals_permuted(events: list[StoredEvent], arrivals: list[tuple[int, int]]) -> list[StoredEvent]:
    """Return the stream with the visits' (version, sequence) pairs reassigned in order."""
    resynced = list(events)
    positions = [index for index, event in enumerate(events) if event.type == "VisitRecorded"]
    for index, (version, sequence) in zip(positions, arrivals, strict=True):
        resynced[index] = replace(events[index], version=version, sequence=sequence)
    return resynced


@settings(max_examples=200, deadline=None, database=None)
@given(st.data())
def test_projection_depends_on_what_happened_not_on_arrival_order(data: st.DataObject) -> None:
    # One test checks all three properties so the stream is drawn only once (~4 s).
    events = data.draw(episode_streams(), label="events")
    state = project(events)

    # (a) The caller may pass the events in any order.
    shuffled = data.draw(st.permutations(events), label="shuffled")
    assert project(list(shuffled)) == state

    # (b) Phones syncing in another order change nothing about goals.
    arrivals = data.draw(
        st.permutations([(e.version, e.sequence) for e in events if e.type == "VisitRecorded"]),
        label="visit arrivals",
    )
    resynced = project(with_visit_arrivals_permuted(events, list(arrivals)))
    assert resynced.goals == state.goals
    assert (resynced.gas_t_score, resynced.achieved_goals) == (
        state.gas_t_score,
        state.achieved_goals,
    )

    # (c) Projecting the same stream again gives the same result.
    assert project(events) == state
    assert project(events).to_dict() == state.to_dict()
