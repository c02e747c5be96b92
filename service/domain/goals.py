"""Per-goal derived state: current level, progress, met, achieved and GAS score."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from service.domain.calendar import london_date
from service.domain.goal_definitions import GoalDefinition
from service.domain.serialise import Serialisable
from service.domain.visits import Visit

# Kiresuk & Sherman's assumed inter-goal correlation for equally weighted goals.
GAS_RHO = 0.3


@dataclass(frozen=True)
class Observation(Serialisable):
    """The level of one goal seen at one visit."""

    occurred_at: datetime
    level: int
    visit_id: str


@dataclass(frozen=True)
class GoalState(Serialisable):
    """A goal's definition together with what its observations say about it."""

    id: str
    domain: str
    description: str
    baseline_level: int
    target_level: int
    target_on: date | None
    status: str
    current_level: int
    progress_pct: float
    met: bool
    achieved: bool
    achieved_on: date | None
    gas_score: int
    observations: list[Observation]


def observations_by_goal(visits: Iterable[Visit]) -> dict[str, tuple[Observation, ...]]:
    """Group the visits' goal progress by goal id, keeping the visits' order."""
    grouped: dict[str, list[Observation]] = {}
    for visit in visits:
        for goal_id, observation in visit_observations(visit):
            grouped.setdefault(goal_id, []).append(observation)
    return {goal_id: tuple(observations) for goal_id, observations in grouped.items()}


def with_visit_observations(grouped: dict[str, tuple[Observation, ...]],
                            visit: Visit) -> dict[str, tuple[Observation, ...]]:
    """`grouped` with one more visit, later than all of them, added at the end (as `observations_by_goal` would)."""
    extended = dict(grouped)
    for goal_id, observation in visit_observations(visit):
        extended[goal_id] = (*extended.get(goal_id, ()), observation)
    return extended


def visit_observations(visit: Visit) -> list[tuple[str, Observation]]:
    """The observations one visit made, by goal id."""
    occurred_at = visit.occurred_at.astimezone(UTC)
    return [(progress.goal_id, Observation(occurred_at=occurred_at, level=progress.level, visit_id=visit.visit_id))
            for progress in visit.goal_progress]


def trailing_run(observations: Sequence[Observation], target_level: int) -> list[Observation]:
    """Return the longest run of latest observations that are all at or above target."""
    start = len(observations)
    while start > 0 and observations[start - 1].level >= target_level:
        start -= 1
    return list(observations[start:])


def is_achieved(observations: Sequence[Observation], target_level: int, *, confirmations: int) -> bool:
    """A goal is achieved when its latest `confirmations` observations are all at or above target."""
    return len(trailing_run(observations, target_level)) >= confirmations


def evaluate_goal(
    definition: GoalDefinition,
    observations: Sequence[Observation],
    *,
    confirmations: int,
) -> GoalState:
    """Return the goal's state given its observations in the order they happened."""
    baseline, target = definition.baseline_level, definition.target_level
    current = observations[-1].level if observations else baseline
    run = trailing_run(observations, target)
    achieved = is_achieved(observations, target, confirmations=confirmations)
    return GoalState(
        id=definition.id,
        domain=definition.domain,
        description=definition.description,
        baseline_level=baseline,
        target_level=target,
        target_on=definition.target_on,
        status=definition.status,
        current_level=current,
        progress_pct=progress_pct(baseline, target, current),
        met=bool(observations) and current >= target,
        achieved=achieved,
        achieved_on=london_date(run[0].occurred_at) if achieved else None,
        gas_score=gas_score(baseline, target, current),
        observations=list(observations),
    )


def progress_pct(baseline: int, target: int, current: int) -> float:
    """Return how far from baseline to target the current level is, 0-100, to 2 dp."""
    if target == baseline:
        return 100.0 if current >= target else 0.0
    share = (current - baseline) / (target - baseline)
    return round(100 * min(max(share, 0.0), 1.0), 2)


def gas_score(baseline: int, target: int, current: int) -> int:
    """Return the goal attainment scaling score (-2…+2) of the current level."""
    if current >= target + 2:
        return 2
    if current == target + 1:
        return 1
    if current == target:
        return 0
    if current > baseline:
        return -1
    return -2


def gas_t_score(scores: Sequence[int]) -> float | None:
    """Return the Kiresuk-Sherman T-score of equally weighted GAS scores, None if none."""
    n = len(scores)
    if n == 0:
        return None
    spread = math.sqrt((1 - GAS_RHO) * n + GAS_RHO * n * n)
    return round(50 + 10 * sum(scores) / spread, 2)
