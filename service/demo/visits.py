"""Generating an episode's home visits and the goal levels they observe (pure, from a seeded Random)."""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from service.demo.catalogue import CONCERN_NOTES, VISIT_NOTES, ProviderProfile
from service.demo.plans import GoalPlan, VisitPlan
from service.domain.calendar import LONDON

OBSERVATION_CHANCE = 0.35


@dataclass(frozen=True)
class VisitCourse:
    """How an episode's visits run: planned from `started_on` over `planned_days`, recorded up to `last_day`."""

    started_on: date
    planned_days: int
    last_day: date
    plateaus: tuple[bool, ...]
    start_need: float
    with_concern: bool
    ends_ready: bool


def new_uuid(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from the seeded generator (so a seed always gives the same ids)."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def visit_days(rng: random.Random, gaps: tuple[int, ...], started_on: date, planned_days: int) -> list[date]:
    """Visit dates every one or two days over the planned course."""
    days, day = [], started_on
    while day <= started_on + timedelta(days=planned_days):
        days.append(day)
        day += timedelta(days=rng.choice(gaps))
    return days


def improving_levels(rng: random.Random, goal: GoalPlan, fractions: list[float]) -> list[int]:
    """Levels climbing to target by a random point of the course, never flat over three observations."""
    baseline, target = goal.baseline_level, goal.target_level
    reach = rng.uniform(0.45, 0.85)
    ceiling = min(5, target + 1) if rng.random() < 0.25 else target
    levels: list[int] = []
    for fraction in fractions:
        ideal = baseline + (target - baseline) * min(1.0, fraction / reach)
        level = max(levels[-1] if levels else baseline, math.floor(ideal))
        if level < target and len(levels) >= 2 and level <= levels[-2]:
            level = min(target, levels[-2] + 1)
        if level >= target and fraction > reach + 0.1:
            level = ceiling
        levels.append(level)
    return levels


def plateau_levels(rng: random.Random, goal: GoalPlan, fractions: list[float]) -> list[int]:
    """Levels that level off below target (which is what raises `stalled` on an open episode)."""
    baseline, target = goal.baseline_level, goal.target_level
    plateau = rng.randint(baseline, target - 1)
    reach = rng.uniform(0.2, 0.45)
    return [baseline + math.floor((plateau - baseline) * min(1.0, fraction / reach)) for fraction in fractions]


def observed_levels(rng: random.Random, goals: tuple[GoalPlan, ...], days: list[date],
                    course: VisitCourse) -> list[dict[int, int]]:
    """For each planned visit, the levels seen of the goals assessed there (all at the first and last two)."""
    span = max(1, course.planned_days)
    seen: list[dict[int, int]] = [{} for _ in days]
    for index, (goal, plateau) in enumerate(zip(goals, course.plateaus, strict=True)):
        chosen = [position for position in range(len(days))
                  if position == 0 or position >= len(days) - 2 or rng.random() < OBSERVATION_CHANCE]
        fractions = [(days[position] - course.started_on).days / span for position in chosen]
        levels = (plateau_levels if plateau else improving_levels)(rng, goal, fractions)
        for position, level in zip(chosen, levels, strict=True):
            seen[position][index] = level
    return seen


def visit_moment(rng: random.Random, day: date) -> datetime:
    """A daytime visit on `day`, London time (so it carries a +00:00 or +01:00 offset)."""
    return datetime.combine(day, time(rng.randint(8, 17), rng.choice(range(0, 60, 5))), tzinfo=LONDON)


def plan_visits(rng: random.Random, profile: ProviderProfile, goals: tuple[GoalPlan, ...],
                course: VisitCourse) -> tuple[VisitPlan, ...]:
    """The visits recorded so far: planned over the whole course, kept up to `last_day`."""
    days = visit_days(rng, profile.visit_gaps, course.started_on, course.planned_days)
    seen = observed_levels(rng, goals, days, course)
    kept = [position for position, day in enumerate(days) if day <= course.last_day]
    concern_at = rng.choice(kept[1:]) if course.with_concern and len(kept) > 1 else None
    visits = []
    for position in kept:
        fraction = position / max(1, len(days) - 1)
        concerns = (rng.choice(sorted(CONCERN_NOTES)),) if position == concern_at else ()
        visits.append(VisitPlan(
            id=new_uuid(rng),
            occurred_at=visit_moment(rng, days[position]),
            duration_minutes=5 * (rng.randint(*profile.visit_minutes) // 5),
            carers=2 if course.start_need >= 20 and fraction < 0.3 else 1,
            levels=tuple(sorted(seen[position].items())),
            wellbeing=min(5, max(1, round(2 + 2.5 * fraction + rng.uniform(-1, 1)))),
            concerns=concerns,
            note=CONCERN_NOTES[concerns[0]] if concerns else rng.choice(VISIT_NOTES) if rng.random() < 0.25 else None,
            ready_for_discharge=True if course.ends_ready and position == kept[-1] else None,
        ))
    return tuple(visits)
