"""Plain dataclasses describing a demo cohort before it is loaded (no Flask, no database)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class GoalPlan:
    """A goal as a manager would set it."""

    domain: str
    description: str
    baseline_level: int
    target_level: int
    target_on: date


@dataclass(frozen=True)
class VisitPlan:
    """One home visit; `levels` pairs a goal's index in the episode with the level seen."""

    id: uuid.UUID
    occurred_at: datetime
    duration_minutes: int
    carers: int
    levels: tuple[tuple[int, int], ...]
    wellbeing: int
    concerns: tuple[str, ...]
    note: str | None
    ready_for_discharge: bool | None


@dataclass(frozen=True)
class ClosurePlan:
    """How the episode ended."""

    ended_on: date
    end_need_hours_per_week: float
    outcome: str
    cessation_reason: str | None = None


@dataclass(frozen=True)
class FollowUpPlan:
    """The 91-day follow-up after a hospital discharge."""

    assessed_on: date
    status: str


@dataclass(frozen=True)
class EpisodePlan:
    """One person's episode of reablement, start to (maybe) finish."""

    provider: str
    person_ref: str
    age_at_referral: int
    referral_source: str
    referred_on: date
    started_on: date
    hospital_discharge_on: date | None
    start_need_hours_per_week: float
    worker: str
    goals: tuple[GoalPlan, ...]
    visits: tuple[VisitPlan, ...]
    closure: ClosurePlan | None
    follow_up: FollowUpPlan | None

    @property
    def concern_reviewed(self) -> bool:
        """A closed episode's reported concerns were looked at by the manager before closing."""
        return self.closure is not None and any(visit.concerns for visit in self.visits)
